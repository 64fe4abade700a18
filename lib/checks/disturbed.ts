import type { FaultWindow } from "../history/event.ts";

/** Faults that act on one node and nothing else; any other fault (member faults, compaction) may delay every node. */
const NODE_FAULTS = new Set([
  "kill-node",
  "pause-node",
  "partition-node",
  "latency-node",
  "kill-lease",
]);

/** Options of {@link disturbance}. */
export interface DisturbanceOptions {
  /** The nodes whose faults matter; faults that are not node faults always matter. */
  nodes: ReadonlySet<string>;
  /** How long after a fault heals its effects may last (restart, reconnect back-off), ms. */
  recoverMs: number;
  /** A fault to leave out (the one being judged). */
  except?: number;
}

/**
 * The first fault that may have delayed something between `from` and `to`:
 * one aimed at a node of `nodes`, or any fault that is not a node fault,
 * counting `recoverMs` after it healed. Liveness checks do not judge such
 * windows: the delay could be the fault's.
 */
export function disturbance(
  windows: readonly FaultWindow[],
  from: number,
  to: number,
  o: DisturbanceOptions,
): FaultWindow | undefined {
  return windows.find((w) =>
    w.id !== o.except && w.start <= to && w.stop + o.recoverMs >= from &&
    (!NODE_FAULTS.has(w.fault) || w.targets.some((t) => o.nodes.has(t)))
  );
}

/** Whether a fault is one that only acts on the nodes it targets. */
export function isNodeFault(fault: string): boolean {
  return NODE_FAULTS.has(fault);
}
