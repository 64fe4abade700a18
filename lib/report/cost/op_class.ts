/**
 * Which operations count as reads and which as writes when the cost of a
 * fault is measured (lib/report/cost/fault_cost.ts). One small table over the op
 * names the built-in scenarios record (scenarios/<name>/mod.ts and their
 * subjects); the runner's own probe reads (`probe` events) are reads too.
 *
 * - `write`: a request that changes etcd and is answered at once
 *   (`write`, `release`, `register`, `deregister`, `publish`, `enqueue`,
 *   `dequeue`, `set`, `progress`, `complete`, `resign`; the kv scenario's `put`, `delete`,
 *   `txn`, `grant`, `revoke`).
 * - `write-wait`: a write that may block on other clients before it is
 *   answered (`acquire`, `campaign`, `enter`, `leave`): it counts for the
 *   write gap, the error rate and recovery, but not for latency, whose
 *   figures would otherwise measure contention, not etcd.
 * - `read`: a request that reads etcd and is answered at once (`read`,
 *   `get`, `range`, `census`, `subscribe`).
 * - `read-wait`: a read that waits for a condition (`wait`, `drain`): like
 *   `write-wait`, no latency.
 * - `observe`: what a watch delivered (`view`, `observe`, `resolve`,
 *   `deliver`, `up`, `down`): recorded as it arrives, with no duration and
 *   never failing, so it only ends a read gap (etcd served the watch).
 * - `other`: not a request to etcd (`call` is a gRPC call between nodes;
 *   `lost` and `gap` are reports) and any name not listed (a plugin's own
 *   operations): not counted. A caller may pass its own classifier.
 */
export type OpClass = "write" | "write-wait" | "read" | "read-wait" | "observe" | "other";

const CLASSES: Record<string, OpClass> = {
  write: "write",
  release: "write",
  register: "write",
  deregister: "write",
  publish: "write",
  enqueue: "write",
  dequeue: "write",
  set: "write",
  progress: "write",
  complete: "write",
  resign: "write",
  put: "write",
  delete: "write",
  txn: "write",
  grant: "write",
  revoke: "write",
  acquire: "write-wait",
  campaign: "write-wait",
  enter: "write-wait",
  leave: "write-wait",
  read: "read",
  get: "read",
  range: "read",
  census: "read",
  subscribe: "read",
  wait: "read-wait",
  drain: "read-wait",
  view: "observe",
  observe: "observe",
  resolve: "observe",
  deliver: "observe",
  up: "observe",
  down: "observe",
};

/** The class of an operation name under the built-in table (`other` when not listed). */
export function classifyOp(f: string): OpClass {
  return Object.hasOwn(CLASSES, f) ? CLASSES[f] : "other";
}

/** A classifier of operation names, e.g. {@link classifyOp} or a plugin scenario's own. */
export type Classifier = (f: string) => OpClass;

/** Whether a class is a write (answered at once or after a wait). */
export function isWrite(c: OpClass): boolean {
  return c === "write" || c === "write-wait";
}

/** Whether a class is a read request (answered at once or after a wait); observations are not. */
export function isRead(c: OpClass): boolean {
  return c === "read" || c === "read-wait";
}

/** Whether an operation of this class is a request whose duration is etcd's latency. */
export function hasLatency(c: OpClass): boolean {
  return c === "write" || c === "read";
}
