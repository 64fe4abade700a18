/**
 * The commonest errors of a run's operations that ended unknown (`info`) or
 * failed, per call: so a run whose program raised the same exception on 764
 * calls says so on the console and in report.html, not only in
 * history.ndjson.
 */
import type { Operation } from "../history/event.ts";
import { MISFIT } from "../subjects/exec_misfit.ts";

/** How many operations ended unknown because a program's answer or event misfit the protocol's schema. */
export function countMisfits(ops: readonly Operation[]): number {
  return ops.filter((op) => op.outcome === "info" && op.complete?.error?.includes(MISFIT)).length;
}

/** One error message and how often it ended a call. */
export interface ErrorCount {
  /** The call (operation name). */
  f: string;
  /** Whether the calls surely did not happen (`fail`) or ended unknown (`info`). */
  outcome: "fail" | "info";
  /** The message, with ids, pids and long numbers blanked so that repeats count as one. */
  error: string;
  /** How many calls ended with it. */
  count: number;
  /** How many nodes saw it. */
  nodes: number;
}

/** Ids, pids and revisions vary between repeats of one error: blank them. */
export function errorKey(error: string): string {
  return error
    .replace(/#\d+/g, "#…")
    .replace(/\bpid \d+/g, "pid …")
    .replace(/\b\d{5,}\b/g, "…")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 240);
}

/** The `limit` commonest errors of operations that ended `info` or `fail`, most frequent first. */
export function commonErrors(ops: readonly Operation[], limit = 5): ErrorCount[] {
  const byKey = new Map<string, ErrorCount & { nodeSet: Set<string> }>();
  for (const op of ops) {
    if (op.outcome !== "info" && op.outcome !== "fail") continue;
    const error = errorKey(op.complete?.error ?? "(no message)");
    const key = `${op.f}\u0000${op.outcome}\u0000${error}`;
    const e = byKey.get(key) ??
      { f: op.f, outcome: op.outcome, error, count: 0, nodes: 0, nodeSet: new Set<string>() };
    e.count++;
    e.nodeSet.add(op.node);
    byKey.set(key, e);
  }
  return [...byKey.values()]
    .sort((a, b) => b.count - a.count || a.f.localeCompare(b.f))
    .slice(0, limit)
    .map(({ nodeSet, ...e }) => ({ ...e, nodes: nodeSet.size }));
}

/** The console's lines for them (none when there are none). */
export function errorLines(
  errors: readonly ErrorCount[] | undefined,
  subject: string,
  misfits = 0,
): string[] {
  if (!errors?.length) return [];
  return [
    ...(misfits > 0
      ? [`${misfits} answer(s) or event(s) of ${subject} ${MISFIT}: unknown outcomes`]
      : []),
    `commonest errors of ${subject} (per call):`,
    ...errors.map((e) =>
      `  ${e.f} ${e.outcome} ×${e.count} (${e.nodes} node${e.nodes === 1 ? "" : "s"}): ${e.error}`
    ),
  ];
}
