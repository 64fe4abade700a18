/**
 * The events of a run's history. One append-only list holds what the nodes
 * did (operations), what the runner did to them (node lifecycle) and the
 * faults, all stamped on one clock: milliseconds since the run started.
 */

/** How an operation ended: `ok` it happened, `fail` it surely did not, `info` unknown. */
export type Completion = "ok" | "fail" | "info";

/** One step of an operation: its invocation or its completion. */
export interface OpEvent {
  /** Marks an operation event. */
  kind: "op";
  /** `invoke` when it started; `ok`, `fail` or `info` when it completed. */
  type: "invoke" | Completion;
  /** Operation id, unique within one node incarnation; invoke and completion share it. */
  op: number;
  /** The node that did it (its id, e.g. `n1`). */
  node: string;
  /** The node's process incarnation: 1, then one more per restart. */
  incarnation: number;
  /** What the operation is, e.g. `acquire`, `write`. */
  f: string;
  /** What the operation was given (invoke) or returned (completion). */
  value?: unknown;
  /** etcd revision the operation observed or produced, where known. */
  revision?: number;
  /** Why it failed or why its outcome is unknown. */
  error?: string;
  /** Milliseconds since the run started. */
  time: number;
}

/** A fault started or healed. */
export interface FaultEvent {
  /** Marks a fault event. */
  kind: "fault";
  /** `start` when it took effect, `stop` when it was healed. */
  type: "start" | "stop";
  /** Index in the fault plan; start and stop share it. */
  id: number;
  /** The fault's name. */
  fault: string;
  /** What it hit: node ids or member names. */
  targets: string[];
  /** What the fault or its heal reported (e.g. which member led). */
  detail?: Record<string, unknown>;
  /** Milliseconds since the run started. */
  time: number;
}

/** A node process spawned, exited, or reported a state the faults may target. */
export interface NodeEvent {
  /** Marks a node event. */
  kind: "node";
  /** `spawn` and `exit` of a process, or `state` the node reported. */
  type: "spawn" | "exit" | "state";
  /** The node's id. */
  node: string;
  /** The process incarnation the event is about. */
  incarnation: number;
  /** The node's role (on spawn). */
  role?: string;
  /** The state the node reported (on state), e.g. `{ primary: true }`. */
  state?: Record<string, unknown>;
  /** The exit code (on exit). */
  exitCode?: number | null;
  /** The signal that ended it (on exit), if one did, e.g. `SIGKILL`. */
  signal?: string | null;
  /** Milliseconds since the run started. */
  time: number;
}

/** A phase of the run: setup, workload, heal, quiesce, final. */
export interface PhaseEvent {
  /** Marks a phase event. */
  kind: "phase";
  /** The phase that begins. */
  phase: string;
  /** Milliseconds since the run started. */
  time: number;
}

/**
 * The runner's own read of the cluster, timed: one every 250 ms from the
 * workload to the checks, so the checks with a deadline know how slow the
 * cluster answered in a wait's window. `time` is when the answer came (or
 * the read gave up), `latencyMs` how long it took.
 */
export interface ProbeEvent {
  /** Marks a probe event. */
  kind: "probe";
  /** How long the read took, ms. */
  latencyMs: number;
  /** Whether the read succeeded. */
  ok: boolean;
  /** When the answer came or the read gave up, ms since the run started. */
  time: number;
}

/** One event a watch delivered, as the node's client library handed it over. */
export interface WatchedChange {
  /** A put or a delete. */
  type: "put" | "delete";
  /** The full key (the run's prefix included). */
  key: string;
  /** The revision of the change. */
  modRevision: number;
  /** The key's create revision (0 on a delete). */
  createRevision: number;
  /** The key's version after the change (0 on a delete). */
  version: number;
  /** The value, when short (the recorder drops long ones). */
  value?: string;
  /** The key before the change, where the watch asked for it. */
  prevKv?: { modRevision: number; createRevision: number; version: number; value?: string };
}

/**
 * One response a node's watch received: its events, or a progress
 * notification. The watch-guarantees check judges these against etcd's key log.
 */
export interface WatchEvent {
  /** Marks a watch response. */
  kind: "watch";
  /** The node whose watch it was. */
  node: string;
  /** The node's process incarnation. */
  incarnation: number;
  /** The watch's id, unique within one node incarnation. */
  watch: number;
  /** The watched key, or the prefix when `prefix` is set. */
  key: string;
  /** Whether every key below `key` is watched. */
  prefix?: boolean;
  /** The start revision the watch asked for (0: from now). */
  start: number;
  /** The response header's revision. */
  header: number;
  /** The events, in the order delivered. */
  events: WatchedChange[];
  /** A progress notification: no events, everything up to `header` was delivered. */
  progress?: true;
  /** Milliseconds since the run started. */
  time: number;
}

/** Any event of the history. */
export type HistoryEvent =
  | OpEvent
  | FaultEvent
  | NodeEvent
  | PhaseEvent
  | ProbeEvent
  | WatchEvent;

/** An operation as a pair: its invocation and its completion (none if never completed). */
export interface Operation {
  /** The node that did it. */
  node: string;
  /** Its process incarnation. */
  incarnation: number;
  /** What the operation is, e.g. `acquire`. */
  f: string;
  /** The invocation event. */
  invoke: OpEvent;
  /** The completion event; absent when it never completed. */
  complete?: OpEvent;
  /** `ok`, `fail`, or `info` (also for an operation that never completed). */
  outcome: Completion;
}

/** Pairs each invocation with its completion, in invocation order. */
export function operations(history: readonly HistoryEvent[]): readonly Operation[] {
  // Every checker of a run pairs the same history; it only grows, so a cached pairing holds
  // while its length does (pairing 120k events is most of a simple checker's time).
  const cached = pairedOps.get(history);
  if (cached?.length === history.length) return cached.ops;
  const ops = pairOperations(history);
  pairedOps.set(history, { length: history.length, ops });
  return ops;
}

const pairedOps = new WeakMap<readonly HistoryEvent[], { length: number; ops: Operation[] }>();

function pairOperations(history: readonly HistoryEvent[]): Operation[] {
  const open = new Map<string, Operation>();
  const all: Operation[] = [];
  for (const e of history) {
    if (e.kind !== "op") continue;
    const key = `${e.node}#${e.incarnation}#${e.op}`;
    if (e.type === "invoke") {
      const op: Operation = {
        node: e.node,
        incarnation: e.incarnation,
        f: e.f,
        invoke: e,
        outcome: "info",
      };
      open.set(key, op);
      all.push(op);
    } else {
      const op = open.get(key);
      if (!op) continue;
      op.complete = e;
      op.outcome = e.type;
      open.delete(key);
    }
  }
  return all;
}

/** Fault windows: each started fault with its start and (if healed) stop time. */
export interface FaultWindow {
  /** The fault's index in the plan. */
  id: number;
  /** The fault's name. */
  fault: string;
  /** What it hit: node ids or member names. */
  targets: string[];
  /** When it took effect, ms since the run started. */
  start: number;
  /** When it was healed (the history's end if never). */
  stop: number;
  /** What the start event carried. */
  detail?: Record<string, unknown>;
}

/** Fault windows of a history; a fault never healed lasts until the end. */
export function faultWindows(history: readonly HistoryEvent[]): FaultWindow[] {
  const windows = new Map<number, FaultWindow>();
  let end = 0;
  for (const e of history) {
    end = Math.max(end, e.time);
    if (e.kind !== "fault") continue;
    if (e.type === "start") {
      windows.set(e.id, {
        id: e.id,
        fault: e.fault,
        targets: e.targets,
        start: e.time,
        stop: Infinity,
        detail: e.detail,
      });
    } else {
      const w = windows.get(e.id);
      if (w) w.stop = e.time;
    }
  }
  return [...windows.values()].map((w) => ({ ...w, stop: Math.min(w.stop, end) }));
}
