import type { FaultWindow } from "../../../lib/history/event.ts";
import type { HistoryEvent } from "../../../lib/history/event.ts";
import { faultWindows } from "../../../lib/history/event.ts";

/**
 * The windows in which a node's waiting is excused: faults aimed at that
 * node (killed, paused, cut off, slowed) and faults on the etcd members
 * (whose targets are not nodes), each stretched by `recoverMs` after its
 * heal for clients to reconnect.
 */
export function excusedWindows(
  history: readonly HistoryEvent[],
  node: string,
  recoverMs: number,
): [number, number][] {
  const nodes = new Set<string>();
  for (const e of history) if (e.kind === "op" || e.kind === "node") nodes.add(e.node);
  const hits = (w: FaultWindow) => w.targets.includes(node) || !w.targets.some((t) => nodes.has(t));
  return faultWindows(history).filter(hits).map((w) => [w.start, w.stop + recoverMs]);
}

/** Milliseconds of [from, to] that no window covers. */
export function faultFreeMs(
  from: number,
  to: number,
  windows: readonly [number, number][],
): number {
  if (to <= from) return 0;
  const cut = windows
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let end = from;
  for (const [a, b] of cut) {
    if (b <= end) continue;
    covered += b - Math.max(a, end);
    end = b;
  }
  return to - from - covered;
}
