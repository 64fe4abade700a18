import type { HistoryEvent } from "../history/event.ts";

/** A verdict: `"unknown"` when the history cannot decide (e.g. nothing to judge). */
export type Validity = true | false | "unknown";

/** What every checker gets: the history, the final reads and the run's settings. */
export interface CheckInput {
  history: readonly HistoryEvent[];
  /** What the scenario's finalReads returned after heal and quiesce. */
  final: unknown;
  /** Lease TTL of the run, ms. */
  ttlMs: number;
  params: Record<string, unknown>;
}

/** A checker's answer with the events that prove it. */
export interface CheckResult {
  valid: Validity;
  /** One line a person reads first. */
  summary: string;
  /** The violating (or otherwise telling) events, history objects where possible. */
  evidence?: unknown[];
  /** Measured figures: latencies, counts. */
  figures?: Record<string, number | null>;
}

/** A pure function from a history to a verdict. */
export interface Checker {
  name: string;
  description: string;
  /** False for checkers that report but do not decide the run's verdict. */
  decides?: boolean;
  check(input: CheckInput): CheckResult;
}

/** A checker's result under its name, as results.json holds it. */
export interface NamedResult extends CheckResult {
  name: string;
  decides: boolean;
}

/** Runs the checkers; a checker that throws is `unknown` with the error as its summary. */
export function runCheckers(checkers: readonly Checker[], input: CheckInput): NamedResult[] {
  return checkers.map((c) => {
    const decides = c.decides !== false;
    try {
      return { name: c.name, decides, ...c.check(input) };
    } catch (e) {
      return { name: c.name, decides, valid: "unknown", summary: `checker crashed: ${e}` };
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
