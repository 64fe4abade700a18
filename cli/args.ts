/**
 * The command line into {@link Flags}, from the declarations of cli/flags.ts: parsing, whole
 * numbers, and the refusal of a flag given where it does not apply (another cluster kind, one run
 * or `run all`). Every refusal is a one-line {@link UsageError}.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../lib/proc/errors.ts";
import type { ClusterKind } from "../lib/cluster/create.ts";
import { FLAGS } from "./flags.ts";
import type { Flags, FlagSpec } from "./flags.ts";

/** Parses the arguments of `deno task run`. */
export function parse(all: string[]): { flags: Flags; positionals: string[] } {
  const { rest: args, verdict } = takeExpectVerdict(all);
  const options = Object.fromEntries(
    (FLAGS as readonly FlagSpec[]).map((f) => [f.name, {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.default !== undefined ? { default: f.default } : {}),
    }]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(args),
      allowPositionals: true,
      strict: true,
      options: options as Parameters<typeof parseArgs>[0] extends infer C
        ? C extends { options?: infer O } ? O : never
        : never,
    });
    return { flags: { ...values, expectVerdict: verdict } as unknown as Flags, positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split("\n")[0]}: see --help`);
  }
}

/** Whether a flag was given (a string flag without a default, or a boolean set). */
function given(flags: Flags, f: FlagSpec): boolean {
  const v = (flags as Record<string, unknown>)[f.name];
  return f.type === "boolean" ? v === true : v !== undefined && v !== f.default;
}

/**
 * Refuses a flag the cluster kind does not take, or one for `run all` given to one run, as
 * declared in cli/flags.ts.
 */
export function refuseMisplaced(flags: Flags, kind: ClusterKind, all: boolean): void {
  for (const f of FLAGS as readonly FlagSpec[]) {
    if (!given(flags, f)) continue;
    if (f.kinds && !f.kinds.only.includes(kind)) {
      throw new UsageError(
        `--${f.name} ${
          f.kinds.refusal ?? `is for --cluster ${f.kinds.only.join(" or ")}, not ${kind}`
        }`,
      );
    }
    if (f.runs === "all" && !all) {
      throw new UsageError(`--${f.name} is for run all: deno task run all --${f.name} …`);
    }
  }
}

/**
 * A whole-number flag in [min, max]; anything else (a fraction, a sign where
 * none belongs, 1e3, an empty value, a number too large) is refused with what
 * the value is (`what`: "a lease TTL is a whole number of seconds").
 */
export function integer(
  text: string | undefined,
  flag: string,
  min: number,
  max: number,
  what = "give a whole number",
): number | undefined {
  if (text === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: ${what} from ${min} to ${max}`);
  }
  return n;
}

/**
 * `--ttl -3` as `--ttl=-3`: parseArgs takes a value that starts with a dash
 * for a flag ("ambiguous"); joined, the number reaches the flag's own check,
 * which says what the value must be.
 */
function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    if (/^--[a-z-]+$/.test(a) && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * Takes `--expect valid|invalid` (or `--expect=…`) out of the arguments:
 * `--expect` with no verdict after it stays run all's boolean flag.
 */
function takeExpectVerdict(args: string[]): { rest: string[]; verdict?: "valid" | "invalid" } {
  const rest: string[] = [];
  let verdict: "valid" | "invalid" | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const inline = /^--expect=(.*)$/.exec(a);
    const next = a === "--expect" ? args[i + 1] : undefined;
    const given = inline?.[1] ?? (next === "valid" || next === "invalid" ? next : undefined);
    if (given === undefined) {
      rest.push(a);
      continue;
    }
    if (given !== "valid" && given !== "invalid") {
      throw new UsageError(`--expect ${JSON.stringify(given)}: give valid or invalid`);
    }
    verdict = given;
    if (!inline) i++;
  }
  return { rest, verdict };
}
