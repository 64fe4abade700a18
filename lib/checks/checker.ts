import type { HistoryEvent } from "../history/event.ts";

/** A verdict: `"unknown"` when the history cannot decide (e.g. nothing to judge). */
export type Validity = true | false | "unknown";

/** What every checker gets: the history, the final reads and the run's settings. */
export interface CheckInput {
  /** Every event of the run, in the order they were recorded. */
  history: readonly HistoryEvent[];
  /** What the scenario's finalReads returned after heal and quiesce. */
  final: unknown;
  /** Lease TTL of the run, ms. */
  ttlMs: number;
  /** The scenario's params with the run's overrides (e.g. `quiesceMs`). */
  params: Record<string, unknown>;
  /**
   * The faults the run planned, by name, one entry per planned fault (the
   * runner fills it). Absent: the faults that started in the history.
   */
  plannedFaults?: readonly string[];
}

/** A checker's answer with the events that prove it. */
export interface CheckResult {
  /** `true` only where something was judged: a result with `judged: 0` is made `"unknown"`. */
  valid: Validity;
  /** One line a person reads first. */
  summary: string;
  /**
   * How many things the check decided on: windows, waits, operations, views.
   * Every built-in checker reports it; a plugin's checker may leave it out
   * (results.json then holds null). Zero means it judged nothing, so it cannot be valid.
   */
  judged?: number;
  /**
   * False when nothing planned in this run could exercise the check (e.g. a
   * liveness check under `--faults none`): it then does not decide and reads
   * "n/a". Default true.
   */
  applies?: boolean;
  /** The violating (or otherwise telling) events, history objects where possible. */
  evidence?: unknown[];
  /** Measured figures: latencies, counts. */
  figures?: Record<string, number | null>;
}

/** A built-in checker's answer: it always says how much it judged. */
export interface JudgedResult extends CheckResult {
  /** How many things the check decided on; 0 means it judged nothing. */
  judged: number;
}

/** A built-in checker: its results always carry `judged`. */
export interface BuiltinChecker extends Checker {
  /** Judges the run; the result always says how much it judged. */
  check(input: CheckInput): JudgedResult;
}

/** The fault names the run planned (from the input, else the faults that started in the history). */
export function plannedFaults(input: Pick<CheckInput, "history" | "plannedFaults">): string[] {
  if (input.plannedFaults) return [...input.plannedFaults];
  return input.history.flatMap((e) => e.kind === "fault" && e.type === "start" ? [e.fault] : []);
}

/** Options of {@link nothingJudged}. */
export interface NothingJudgedOptions {
  /** The faults that can exercise the check; absent: the workload alone can. */
  exercisedBy?: readonly string[];
  /** What the check would have judged, e.g. "no service died in a window free of other faults". */
  why: string;
  /** The whole summary when it could apply (default `not exercised: <why>`). */
  summary?: string;
  figures?: Record<string, number | null>;
  evidence?: unknown[];
}

/**
 * The result of a check that judged nothing: `unknown` ("not exercised: …")
 * when the run planned a fault that could have exercised it (or the workload
 * alone should have), and "does not apply" (`applies: false`, n/a) when no
 * planned fault could.
 */
export function nothingJudged(
  input: Pick<CheckInput, "history" | "plannedFaults">,
  o: NothingJudgedOptions,
): JudgedResult {
  const base = { judged: 0, figures: o.figures, evidence: o.evidence };
  if (o.exercisedBy) {
    const planned = new Set(plannedFaults(input));
    if (!o.exercisedBy.some((f) => planned.has(f))) {
      return {
        ...base,
        valid: "unknown",
        applies: false,
        summary: `does not apply: no ${o.exercisedBy.join(", ")} fault planned in this run`,
      };
    }
  }
  return { ...base, valid: "unknown", summary: o.summary ?? `not exercised: ${o.why}` };
}

/** What can exercise a liveness check: one of `faults` hitting a node of `role` (any node when absent). */
export interface Exercise {
  /** Fault names; a planned fault of one of them exercises the check. */
  faults: readonly string[];
  /** The role the fault must hit; absent: a node of any role. */
  role?: string;
}

/** A pure function from a history to a verdict. */
export interface Checker {
  /** The check's name, as results.json and the report show it. */
  name: string;
  /** One line on what the check promises. */
  description: string;
  /** False for checkers that report but do not decide the run's verdict. */
  decides?: boolean;
  /**
   * What exercises a liveness check. A plan that mixes member and node faults
   * gives it a window of its own (see `PlanOptions.solo`), since such checks
   * skip waits other faults overlap.
   */
  exercise?: Exercise;
  /** Judges the run: a pure function of its input, no I/O. */
  check(input: CheckInput): CheckResult;
}

/** A checker's result under its name, as results.json holds it. */
export interface NamedResult extends Omit<CheckResult, "judged" | "applies"> {
  /** The checker's name. */
  name: string;
  /** Whether it counts towards the run's verdict: false for reported-only checks and ones that do not apply. */
  decides: boolean;
  /** How many things it decided on; null when the checker did not say. */
  judged: number | null;
  /** False when nothing in the run could exercise the check (it reads n/a). */
  applies: boolean;
}

/**
 * A check's result as the run records it. The rules every verdict keeps: a
 * check that judged nothing is never valid; one that does not apply does not
 * decide.
 */
export function named(name: string, decides: boolean, r: CheckResult): NamedResult {
  const judged = r.judged ?? null;
  const applies = r.applies !== false;
  const out: NamedResult = { name, ...r, decides: decides && applies, judged, applies };
  if (applies && judged === 0 && r.valid === true) {
    out.valid = "unknown";
    out.summary = `judged nothing: ${r.summary}`;
  }
  return out;
}

/** Runs the checkers; a checker that throws is `unknown` with the error as its summary. */
export function runCheckers(checkers: readonly Checker[], input: CheckInput): NamedResult[] {
  return checkers.map((c) => {
    const decides = c.decides !== false;
    try {
      return named(c.name, decides, c.check(input));
    } catch (e) {
      return named(c.name, decides, { valid: "unknown", summary: `checker crashed: ${e}` });
    }
  });
}

/** The run's verdict: false if any deciding check failed, else unknown if any was unknown, else true. */
export function overall(results: readonly NamedResult[]): Validity {
  const deciding = results.filter((r) => r.decides);
  if (deciding.some((r) => r.valid === false)) return false;
  if (deciding.some((r) => r.valid === "unknown")) return "unknown";
  return true;
}
