import type { HistoryEvent } from "../history/event.ts";
import { faultWindows } from "../history/event.ts";

/** A span of the workload with no fault active nor settling, ms since the run started. */
export interface QuietWindow {
  start: number;
  end: number;
}

/**
 * How long after a fault heals its effects may last: the lease of a node it
 * stopped runs out (TTL), a killed node restarts and reconnects, a client
 * backs off after a member fault. The barrier and election checks allow
 * 5 s of recovery at the default 2 s TTL; this is the same, and grows with
 * the TTL.
 */
export function settleMs(ttlMs: number): number {
  return ttlMs + 3000;
}

/** Options of {@link quietWindows}. */
export interface QuietWindowOptions {
  /** How long each fault's window lasts past its stop, ms. */
  settleMs: number;
  /** The shortest window kept, ms. */
  minMs: number;
}

/**
 * The workload's spans (from the `workload` phase to the `heal` phase, or
 * the history's first and last event where a phase is missing) with no
 * fault active, each fault's window extended by `settleMs` after its stop,
 * that last at least `minMs`. The span after the last fault settles until
 * the workload ends is one of them when it is long enough.
 */
export function quietWindows(
  history: readonly HistoryEvent[],
  o: QuietWindowOptions,
): QuietWindow[] {
  const { from, to } = workloadSpan(history);
  const busy = faultWindows(history).map((w) => ({ start: w.start, end: w.stop + o.settleMs }))
    .sort((a, b) => a.start - b.start);
  const windows: QuietWindow[] = [];
  let cursor = from;
  for (const b of busy) {
    if (b.start > cursor) windows.push({ start: cursor, end: Math.min(b.start, to) });
    cursor = Math.max(cursor, b.end);
  }
  if (cursor < to) windows.push({ start: cursor, end: to });
  return windows.filter((w) => w.end - w.start >= o.minMs);
}

/** The workload phase: its start and end (the heal phase), ms. */
export function workloadSpan(history: readonly HistoryEvent[]): { from: number; to: number } {
  let from: number | undefined, to: number | undefined;
  let first = Infinity, last = 0;
  for (const e of history) {
    first = Math.min(first, e.time);
    last = Math.max(last, e.time);
    if (e.kind !== "phase") continue;
    if (e.phase === "workload" && from === undefined) from = e.time;
    if (e.phase === "heal" && to === undefined) to = e.time;
  }
  return { from: from ?? (first === Infinity ? 0 : first), to: to ?? last };
}
