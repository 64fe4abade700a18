/**
 * The JSON Schema of the exec line protocol (docs/exec-protocol.schema.json),
 * compiled once: checks a program's answers (by scenario and call) and
 * events (by name). A misfit is reported as a sentence naming the schema's
 * complaint; the channel turns it into an unknown outcome, never a crash.
 */
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import schema from "../../docs/exec-protocol.schema.json" with { type: "json" };
import { MISFIT } from "./exec_misfit.ts";

/** Where the schema lives, for messages. */
export const SCHEMA_PATH = "docs/exec-protocol.schema.json";

export { MISFIT };

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
ajv.addSchema(schema);
const ID = schema.$id;

const compiled = new Map<string, ValidateFunction | null>();

/** The validator of one definition (null when the schema has none of that name). */
function validator(definition: string): ValidateFunction | null {
  if (!compiled.has(definition)) {
    const has = Object.hasOwn(schema.definitions, definition);
    compiled.set(definition, has ? ajv.getSchema(`${ID}#/definitions/${definition}`)! : null);
  }
  return compiled.get(definition)!;
}

function complaint(v: ValidateFunction, what: string): string {
  const errors = (v.errors ?? []) as ErrorObject[];
  return `${what} ${MISFIT}: ${ajv.errorsText(errors, { dataVar: what.split(" ")[0] })}`;
}

function check(definitions: string[], data: unknown, what: string): string | undefined {
  for (const d of definitions) {
    const v = validator(d);
    if (v && !v(data)) return complaint(v, what);
  }
  return undefined;
}

/** Why an answer to `call` in `scenario` misfits the schema, or undefined when it fits. */
export function answerMisfit(scenario: string, call: string, answer: unknown): string | undefined {
  return check(["answer", `answer:${scenario}.${call}`], answer, `answer to ${call}`);
}

/** Why an event misfits the schema, or undefined when it fits. */
export function eventMisfit(
  event: { event: string; [field: string]: unknown },
): string | undefined {
  return check(["event"], event, `event ${event.event}`);
}

/** Why any line (a call, an answer or an event) misfits the schema's top level, or undefined. */
export function lineMisfit(line: unknown): string | undefined {
  const v = ajv.getSchema(ID)!;
  return v(line) ? undefined : complaint(v, "line");
}
