import type { HistoryEvent } from "../history/event.ts";
import { operations } from "../history/event.ts";

/** A time a node believed it held something (a lock, leadership). */
export interface HoldInterval {
  /** The node that held. */
  node: string;
  /** Its process incarnation (1, 2, … across restarts). */
  incarnation: number;
  /** When the acquire was acknowledged (ms since the run started). */
  start: number;
  /** When the release was invoked, the process exited, or the history ended. */
  end: number;
  /** The fencing token the acquire returned, if any. */
  token?: number;
}

/**
 * Intervals from each acknowledged `acquire` to the next `release` invocation
 * of that node incarnation, or to its exit, or to the end of the history.
 */
export function holdIntervals(
  history: readonly HistoryEvent[],
  names: { acquire: string; release: string },
): HoldInterval[] {
  const end = history.reduce((m, e) => Math.max(m, e.time), 0);
  const exits = new Map<string, number>();
  for (const e of history) {
    if (e.kind === "node" && e.type === "exit") exits.set(`${e.node}#${e.incarnation}`, e.time);
  }
  const intervals: HoldInterval[] = [];
  const open = new Map<string, HoldInterval>();
  for (const o of operations(history)) {
    const key = `${o.node}#${o.incarnation}`;
    if (o.f === names.acquire && o.outcome === "ok") {
      const token = (o.complete!.value as { token?: number } | undefined)?.token;
      const h = { node: o.node, incarnation: o.incarnation, start: o.complete!.time, end, token };
      open.set(key, h);
      intervals.push(h);
    } else if (o.f === names.release) {
      const h = open.get(key);
      if (h) {
        h.end = o.invoke.time;
        open.delete(key);
      }
    }
  }
  for (const [key, h] of open) h.end = Math.min(h.end, exits.get(key) ?? end);
  return intervals;
}
