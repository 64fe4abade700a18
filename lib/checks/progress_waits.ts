import type { HistoryEvent } from "../history/event.ts";
import { operations } from "../history/event.ts";

/**
 * What must keep completing in a healthy run: a scenario's main operations
 * (`Scenario.progress`), the ones the `progress` check judges.
 */
export interface ProgressSpec {
  /** The main operations (the history's `f`): an `ok` completion of one is progress. */
  ops: readonly string[];
  /** Only nodes of these roles are judged; absent: every node that invokes one of `ops`. */
  roles?: readonly string[];
  /**
   * For main operations that record what a node saw rather than a call it
   * waits on (a delivery, a view, a report): the operations whose `ok`
   * completion, by any node, gives every live node of `roles` something to
   * wait for from their invocation until its next main operation. Absent: a
   * node waits only from invoking a main operation.
   */
  after?: readonly string[];
  /**
   * The nodes contend for the main operation (a lock's grant, a won
   * campaign): one node's completion is progress for all, and a node that
   * waits while the others complete is starved by an unfair subject, not
   * stopped. Then only a stretch of 3 × TTL in which none completes while
   * nodes wait is a violation; the longest single wait is reported.
   */
  contended?: boolean;
}

/** One node incarnation waiting for a main operation, ms since the run started. */
export interface Wait {
  node: string;
  incarnation: number;
  start: number;
  /** When a main operation completed `ok`, or the incarnation ended (`open`). */
  end: number;
  /** True when no main operation ended it: the node exited, or the history ended first. */
  open: boolean;
  /** What began it: the main operation invoked, or the `after` operation that gave it work. */
  cause: string;
}

interface Life {
  node: string;
  incarnation: number;
  role?: string;
  start: number;
  end: number;
}

type Mark = { time: number; start: boolean; cause: string };

/**
 * The waits of every judged node incarnation. A wait begins when the node
 * invokes a main operation (or, with `after`, when some node invokes an
 * operation of `after` that completes ok), and lasts through failed or
 * unknown attempts until a main operation of that incarnation completes ok,
 * or the incarnation ends. Also returns when each `ok` main operation
 * completed, by any judged node.
 */
export function waitsOf(
  history: readonly HistoryEvent[],
  spec: ProgressSpec,
): { waits: Wait[]; progress: number[] } {
  const main = new Set(spec.ops);
  const after = new Set(spec.after ?? []);
  const lives = livesOf(history);
  const ops = operations(history);
  const invokers = new Set(ops.filter((o) => main.has(o.f)).map((o) => o.node));
  const judged = (l: Life) =>
    spec.roles
      ? (l.role === undefined ? invokers.has(l.node) : spec.roles.includes(l.role))
      : invokers.has(l.node);
  const marks = new Map<string, Mark[]>();
  const progress: number[] = [];
  const demands = ops.filter((o) => after.has(o.f) && o.outcome === "ok")
    .map((o) => ({ time: o.invoke.time, cause: `${o.f} by ${o.node}` }));
  for (const l of lives.values()) {
    if (!judged(l)) continue;
    const list: Mark[] = demands.filter((d) => d.time >= l.start && d.time <= l.end)
      .map((d) => ({ time: d.time, start: true, cause: d.cause }));
    marks.set(key(l), list);
  }
  for (const o of ops) {
    if (!main.has(o.f)) continue;
    const list = marks.get(`${o.node}#${o.incarnation}`);
    if (!list) continue;
    list.push({ time: o.invoke.time, start: true, cause: `${o.f} invoked` });
    if (o.outcome === "ok") {
      list.push({ time: o.complete!.time, start: false, cause: o.f });
      progress.push(o.complete!.time);
    }
  }
  const waits: Wait[] = [];
  for (const [k, list] of marks) {
    const l = lives.get(k)!;
    // At one instant, work given comes before the operation that does it.
    list.sort((a, b) => a.time - b.time || Number(b.start) - Number(a.start));
    let since: Mark | undefined;
    for (const m of list) {
      if (m.start) since ??= m;
      else if (since) {
        waits.push({ ...who(l), start: since.time, end: m.time, open: false, cause: since.cause });
        since = undefined;
      }
    }
    if (since && since.time < l.end) {
      waits.push({ ...who(l), start: since.time, end: l.end, open: true, cause: since.cause });
    }
  }
  return { waits, progress: progress.sort((a, b) => a - b) };
}

const key = (l: { node: string; incarnation: number }) => `${l.node}#${l.incarnation}`;
const who = (l: Life) => ({ node: l.node, incarnation: l.incarnation });

/**
 * Each node incarnation's life: from its spawn (else its first event) to its
 * exit (else the history's end), with its role where the spawn names it.
 */
function livesOf(history: readonly HistoryEvent[]): Map<string, Life> {
  const end = history.reduce((m, e) => Math.max(m, e.time), 0);
  const lives = new Map<string, Life>();
  for (const e of history) {
    if (e.kind !== "node" && e.kind !== "op") continue;
    const k = key(e);
    let l = lives.get(k);
    if (!l) {
      l = { node: e.node, incarnation: e.incarnation, start: e.time, end };
      lives.set(k, l);
    }
    if (e.kind === "node" && e.type === "spawn") {
      l.start = Math.min(l.start, e.time);
      l.role = e.role;
    }
    if (e.kind === "node" && e.type === "exit") l.end = e.time;
  }
  return lives;
}
