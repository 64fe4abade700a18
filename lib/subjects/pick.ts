/**
 * How a role gets its subject, wherever it comes from: a built-in of the
 * scenario, the user's module the node loaded, or the scenario's adapter
 * for a program speaking the line protocol (`exec:`).
 */
import type { NodeContext } from "../node/context.ts";
import { checkedSubject, SubjectShapeError } from "../node/subject_shape.ts";
import type { SubjectShape } from "../node/subject_shape.ts";

/** What a scenario offers its roles to choose from. */
export interface SubjectChoices<T> {
  /** The scenario's built-in subjects by name (`reference`, `naive`, …). */
  builtins: Record<string, T>;
  /** The shape of T: a user's module is checked against it. */
  shape: SubjectShape;
  /** The adapter that drives a program (`--subject 'exec:CMD'`), where the scenario has one. */
  exec?: T;
}

/** The subject this node runs. Throws {@link SubjectShapeError} for a module that does not fit. */
export function subjectOf<T>(ctx: NodeContext, choices: SubjectChoices<T>): T {
  const ref = ctx.subjectRef;
  if (ref.kind === "builtin") {
    const s = choices.builtins[ref.name];
    if (s === undefined) throw new SubjectShapeError(`no built-in subject ${ref.name}`);
    return s;
  }
  if (ref.kind === "exec") {
    if (choices.exec === undefined) {
      throw new SubjectShapeError(`this scenario has no adapter for exec: subjects`);
    }
    return choices.exec;
  }
  return checkedSubject<T>(ctx.subjectModule, choices.shape, `${ref.spec}: default export`);
}
