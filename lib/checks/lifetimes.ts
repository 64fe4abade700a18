import type { FaultWindow, HistoryEvent } from "../history/event.ts";

/** One incarnation of a node: from its spawn to its exit (Infinity while it lives). */
export interface Lifetime {
  node: string;
  incarnation: number;
  role: string;
  start: number;
  end: number;
}

/** Every node incarnation of the history, from its spawn and exit events. */
export function lifetimes(history: readonly HistoryEvent[]): Lifetime[] {
  const all: Lifetime[] = [];
  const byKey = new Map<string, Lifetime>();
  for (const e of history) {
    if (e.kind !== "node") continue;
    const key = `${e.node}#${e.incarnation}`;
    if (e.type === "spawn") {
      const l = {
        node: e.node,
        incarnation: e.incarnation,
        role: e.role ?? "",
        start: e.time,
        end: Infinity,
      };
      byKey.set(key, l);
      all.push(l);
    } else if (e.type === "exit") {
      const l = byKey.get(key);
      if (l) l.end = e.time;
    }
  }
  return all;
}

/** Node ids of a role. */
export function nodesOf(lives: readonly Lifetime[], role: string): Set<string> {
  return new Set(lives.filter((l) => l.role === role).map((l) => l.node));
}

/** The incarnation of `node` alive at `t`, if any. */
export function aliveAt(lives: readonly Lifetime[], node: string, t: number): Lifetime | undefined {
  return lives.find((l) => l.node === node && l.start <= t && t < l.end);
}

/** The time of the first event of a phase (`quiesce`, `final`, …), if it happened. */
export function phaseTime(history: readonly HistoryEvent[], phase: string): number | undefined {
  return history.find((e) => e.kind === "phase" && e.phase === phase)?.time;
}

/**
 * Faults not aimed at nodes (member faults) overlapping `from`..`to`: a
 * leader change renews every lease and stalls watches, so liveness checks
 * do not judge what these overlap.
 */
export function clusterFaults(
  windows: readonly FaultWindow[],
  nodes: ReadonlySet<string>,
  from: number,
  to: number,
): FaultWindow[] {
  return windows.filter((w) =>
    w.start <= to && w.stop >= from && !w.targets.every((t) => nodes.has(t))
  );
}

/** Faults aimed at `node` overlapping `from`..`to` (counting `afterMs` past each heal). */
export function faultsOn(
  windows: readonly FaultWindow[],
  node: string,
  from: number,
  to: number,
  afterMs = 0,
): FaultWindow[] {
  return windows.filter((w) =>
    w.targets.includes(node) && w.start <= to && w.stop + afterMs >= from
  );
}
