/**
 * What each fault cost, as figures an SLO can gate: for every fault window
 * (its start to its heal) and for the run outside every window (the
 * baseline), the longest span without a successful write and without a
 * successful read, the error rate, p50 and p99 latency, the time from the
 * heal to the first success on every node, and the leader elections the
 * members went through. Pure: a history (and the members' elections) in, a
 * JSON-able structure out.
 *
 * Rules, so each figure can be checked by hand against the history:
 * - The run is measured from the `workload` phase to the `stop` phase (the
 *   runner stopping the nodes; else `final`, else the last event): what
 *   completed after that (a lock wait ended by the stop) is not counted.
 * - Reads and writes are classified by operation name (lib/report/cost/op_class.ts);
 *   the runner's probe reads (`probe` events) are reads.
 * - An operation belongs to a window when its span (invoke to completion,
 *   or to the end of the run if it never completed) overlaps the window; to
 *   the baseline when it overlaps no window. The error rate is the share of
 *   those requests (reads and writes, the waiting kinds included) that
 *   ended in an error: `fail`, `info` or never completed, except a `fail`
 *   carrying the revision etcd answered at, where etcd served and the recipe
 *   declined (a queue item another consumer claimed first, a fenced write,
 *   "not leading"): not an error of the cluster.
 * - Latency: invoke to completion of every completed read or write answered
 *   at once (not the waiting kinds), whatever its outcome; nearest-rank
 *   percentiles (p of n values: the ceil(p·n)-th smallest).
 * - A write (read) gap is the longest stretch between successes (the
 *   completion of an `ok` write; of an `ok` read, an observation or an `ok`
 *   probe). In a fault window a gap counts from the window's start (or the
 *   last success in it) to the next success, even after the heal, up to the
 *   run's end; in the baseline it is cut at the windows' edges. Measured
 *   only where such an operation was attempted.
 * - Recovery: a node (or the probe) is disturbed in a window when one of its
 *   requests overlapping the window ended in an error, or one answered at
 *   once (not a waiting kind) was still out at the heal. Its recovery is the
 *   time from the heal to the completion of its first `ok` request after
 *   the heal; a node that tried after the heal and never succeeded is
 *   unrecovered. An undisturbed node's recovery is 0; a node that did not
 *   try again after the heal is not counted. A waiting kind (a lock acquire)
 *   succeeds when its wait ends, so a contender's recovery includes waiting
 *   its turn. `intoNextFault` flags a recovery that ran into the next window.
 * - Leader changes: the elections (one per term) first logged within the
 *   window or `afterHealMs` after its heal; in the baseline, those outside
 *   every window so extended, from the workload's start.
 */
import type { HistoryEvent, Operation, ProbeEvent } from "../../history/event.ts";
import { faultWindows, operations } from "../../history/event.ts";
import type { Election } from "./member_elections.ts";
import type { Classifier, OpClass } from "./op_class.ts";
import { classifyOp, hasLatency, isRead, isWrite } from "./op_class.ts";

/** The name recovery figures give the runner's probe, beside the node names. */
export const PROBE_NODE = "(probe)";

/** A longest span without success: `ms` long, from `from` to `to` (run time, ms). */
export interface Gap {
  /** Its length, ms. */
  ms: number;
  /** Where it began (run time, ms). */
  from: number;
  /** Where it ended (run time, ms). */
  to: number;
  /** True when no success ended it before the run's end. */
  open: boolean;
}

/** Latency percentiles of the requests of a window (ms), or null when none completed. */
export interface LatencyFigures {
  /** Completed requests measured. */
  count: number;
  /** The median, ms. */
  p50: number | null;
  /** The 99th percentile, ms. */
  p99: number | null;
}

/** Time from a window's heal to each node's first success after it. */
export interface Recovery {
  /** The slowest node's recovery (ms); null when a node never recovered or none was counted. */
  maxMs: number | null;
  /** Per node (and {@link PROBE_NODE}): ms, or null for never. */
  perNode: Record<string, number | null>;
  /** Nodes that tried after the heal and never succeeded. */
  unrecovered: string[];
  /**
   * True when the recovery (or a node that never recovered) ran into the next
   * fault window: part of it may be that fault's cost.
   */
  intoNextFault: boolean;
}

/** What one window cost. Nulls mean "not measured" (nothing of that kind was attempted). */
export interface WindowCost {
  /** `fault` for a fault window, `baseline` for the run outside every window. */
  kind: "fault" | "baseline";
  /** The fault's id in the plan (null for the baseline). */
  id: number | null;
  /** The fault's name, or `baseline`. */
  fault: string;
  /** What the fault hit (none for the baseline). */
  targets: string[];
  /** Run time (ms): the fault's start; the baseline's first instant. */
  start: number;
  /** Run time (ms): the fault's heal; the baseline's last instant. */
  stop: number;
  /** How long the window lasted (the baseline: its time outside every window), ms. */
  durationMs: number;
  /** Reads and writes (all kinds) that belong to the window. */
  requests: number;
  /** Of those, how many ended in an error (see the rules above). */
  errors: number;
  /** errors / requests; null when there were none. */
  errorRate: number | null;
  /** The longest span with no successful write; null when no write was attempted. */
  writeGap: Gap | null;
  /** The longest span with no successful read; null when no read was attempted. */
  readGap: Gap | null;
  /** Latency of the requests etcd answers at once. */
  latency: LatencyFigures;
  /** Null for the baseline (nothing healed). */
  recovery: Recovery | null;
  /** Null when the members' logs were not read (e.g. an external cluster). */
  leaderChanges: { count: number; elections: Election[] } | null;
}

/** The figures of a run: each fault window, the baseline, and the rule settings used. */
export interface FaultCost {
  /** One per fault window, in the plan's order. */
  windows: WindowCost[];
  /** The run outside every window. */
  baseline: WindowCost;
  /** Settings the figures were computed with. */
  settings: { afterHealMs: number };
}

/** Options of {@link faultCost}. */
export interface FaultCostOptions {
  history: readonly HistoryEvent[];
  /** Elections from the members' logs (lib/report/cost/member_elections.ts); absent: not measured. */
  elections?: readonly Election[];
  /** How long after a heal an election still counts for its window (default 1000 ms). */
  afterHealMs?: number;
  /** Classifier of operation names (default {@link classifyOp}). */
  classify?: Classifier;
}

interface Req {
  node: string;
  cls: OpClass;
  start: number;
  end: number;
  ok: boolean;
  /** `ok`, or a `fail` carrying the revision etcd answered at: the recipe declined, etcd served. */
  answered: boolean;
  completed: boolean;
}

interface Span {
  start: number;
  stop: number;
}

/** Computes what every fault window, and the run outside them, cost. Pure. */
export function faultCost(o: FaultCostOptions): FaultCost {
  const classify = o.classify ?? classifyOp;
  const afterHealMs = o.afterHealMs ?? 1000;
  const { history } = o;
  const runEnd = phaseAt(history, "stop") ?? phaseAt(history, "final") ??
    history.reduce((m, e) => Math.max(m, e.time), 0);
  const runStart = phaseAt(history, "workload") ?? 0;
  const reqs = requests(operations(history), history, classify, runEnd);
  const writeOk = successTimes(reqs.filter((r) => isWrite(r.cls)));
  const readOk = successTimes(reqs.filter((r) => isRead(r.cls) || r.cls === "observe"));
  const ctx: Ctx = { reqs, writeOk, readOk, runEnd, elections: o.elections, afterHealMs };

  const starts = faultWindows(history).map((w) => w.start);
  const windows = faultWindows(history).map((w): WindowCost => {
    const next = Math.min(...starts.filter((s) => s > w.stop));
    const span = { start: w.start, stop: w.stop };
    return {
      kind: "fault",
      id: w.id,
      fault: w.fault,
      targets: w.targets,
      start: round(w.start),
      stop: round(w.stop),
      durationMs: round(w.stop - w.start),
      ...spanFigures(ctx, [span], true),
      recovery: recovery(reqs, span, next),
      leaderChanges: elections(ctx, (t) => t >= w.start && t <= w.stop + afterHealMs),
    };
  });

  const outside = complement(
    faultWindows(history).map((w) => ({ start: w.start, stop: w.stop })),
    runStart,
    runEnd,
  );
  const extended = faultWindows(history).map((w) => ({
    start: w.start,
    stop: w.stop + afterHealMs,
  }));
  const baseline: WindowCost = {
    kind: "baseline",
    id: null,
    fault: "baseline",
    targets: [],
    start: round(runStart),
    stop: round(runEnd),
    durationMs: round(outside.reduce((s, x) => s + x.stop - x.start, 0)),
    ...spanFigures(ctx, outside, false),
    recovery: null,
    leaderChanges: elections(
      ctx,
      (t) => t >= runStart && t <= runEnd && !extended.some((x) => t >= x.start && t <= x.stop),
    ),
  };
  return { windows, baseline, settings: { afterHealMs } };
}

interface Ctx {
  reqs: Req[];
  writeOk: number[];
  readOk: number[];
  runEnd: number;
  elections?: readonly Election[];
  afterHealMs: number;
}

/** The figures measured over a set of spans (one fault window, or the baseline's pieces). */
function spanFigures(
  ctx: Ctx,
  spans: Span[],
  extendPastStop: boolean,
): Pick<WindowCost, "requests" | "errors" | "errorRate" | "writeGap" | "readGap" | "latency"> {
  const overlaps = (r: Req) => spans.some((s) => r.start <= s.stop && r.end >= s.start);
  // A fault window: what overlaps it. The baseline: what overlaps no fault window, i.e. lies
  // wholly inside its pieces.
  const inside = ctx.reqs.filter((r) =>
    extendPastStop ? overlaps(r) : spans.some((s) => r.start >= s.start && r.end <= s.stop)
  );
  const counted = inside.filter((r) => r.cls !== "observe" && r.node !== PROBE_NODE);
  const errors = counted.filter((r) => !r.answered).length;
  const latencies = counted.filter((r) => hasLatency(r.cls) && r.completed).map((r) =>
    r.end - r.start
  );
  const attempted = (pick: (c: OpClass) => boolean) =>
    ctx.reqs.some((r) => pick(r.cls) && overlaps(r));
  const gap = (times: number[]) => longestGap({ times, spans, runEnd: ctx.runEnd, extendPastStop });
  return {
    requests: counted.length,
    errors,
    errorRate: counted.length === 0 ? null : errors / counted.length,
    writeGap: attempted(isWrite) ? gap(ctx.writeOk) : null,
    readGap: attempted((c) => isRead(c)) ? gap(ctx.readOk) : null,
    latency: {
      count: latencies.length,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
    },
  };
}

/** Options of {@link longestGap}. */
export interface LongestGapOptions {
  /** Success instants, sorted ascending. */
  times: readonly number[];
  /** Where gaps are measured. */
  spans: readonly Span[];
  /** The run's end: a gap no success closes ends here. */
  runEnd: number;
  /** True: a gap that begins in a span runs on to the next success, past the span's stop. */
  extendPastStop: boolean;
}

/** The longest span without a success, within `spans` (see the module's rules). */
export function longestGap(o: LongestGapOptions): Gap | null {
  let best: Gap | null = null;
  for (const s of o.spans) {
    let from = s.start;
    const consider = (to: number, open: boolean) => {
      if (!best || to - from > best.ms) {
        best = { ms: round(to - from), from: round(from), to: round(to), open };
      }
    };
    let closed = false;
    for (const t of o.times) {
      if (t <= s.start) continue;
      if (t > s.stop) {
        consider(o.extendPastStop ? t : s.stop, false);
        closed = true;
        break;
      }
      consider(t, false);
      from = t;
    }
    if (!closed) {
      const to = o.extendPastStop ? Math.max(o.runEnd, s.stop) : s.stop;
      consider(to, o.extendPastStop || s.stop >= o.runEnd);
    }
  }
  return best;
}

/** Nearest-rank percentile: the ceil(q·n)-th smallest value (ms, 0.1 ms), null when empty. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return round(s[Math.max(0, Math.ceil(q * s.length) - 1)]);
}

/** Recovery after a window's heal, per node (and the probe) that had requests in the window. */
function recovery(reqs: readonly Req[], w: Span, nextStart: number): Recovery {
  const perNode: Record<string, number | null> = {};
  const unrecovered: string[] = [];
  const nodes = [...new Set(reqs.filter((r) => r.cls !== "observe").map((r) => r.node))].sort();
  for (const node of nodes) {
    const own = reqs.filter((r) => r.node === node && r.cls !== "observe");
    const inWindow = own.filter((r) => r.start <= w.stop && r.end >= w.start);
    if (inWindow.length === 0) continue;
    // Disturbed: a request that ended in an error, or one answered at once that was still out at
    // the heal (a waiting kind still out may only be waiting its turn).
    const disturbed = inWindow.some((r) => !r.answered || (hasLatency(r.cls) && r.end > w.stop));
    if (!disturbed) {
      perNode[node] = 0;
      continue;
    }
    // Tried again: a request invoked after the heal, or one answered after it
    // (one that never completed does not count: its node died with it).
    const tried = own.some((r) => r.start >= w.stop || (r.completed && r.end >= w.stop));
    if (!tried) continue;
    const firstOk = own.filter((r) => r.ok && r.end >= w.stop)
      .reduce((m, r) => Math.min(m, r.end), Infinity);
    if (firstOk === Infinity) {
      perNode[node] = null;
      unrecovered.push(node);
    } else {
      perNode[node] = round(firstOk - w.stop);
    }
  }
  const values = Object.values(perNode);
  const maxMs = values.length === 0 || unrecovered.length > 0
    ? null
    : Math.max(...values.map((v) => v ?? 0));
  const intoNextFault = nextStart !== Infinity &&
    (unrecovered.length > 0 || (maxMs !== null && w.stop + maxMs > nextStart));
  return { maxMs, perNode, unrecovered, intoNextFault };
}

function elections(
  ctx: Ctx,
  within: (t: number) => boolean,
): WindowCost["leaderChanges"] {
  if (!ctx.elections) return null;
  const list = ctx.elections.filter((e) => within(e.at)).map((e) => ({ ...e, at: round(e.at) }));
  return { count: list.length, elections: list };
}

/** Requests (classified operations and probes) with their spans. */
function requests(
  ops: readonly Operation[],
  history: readonly HistoryEvent[],
  classify: Classifier,
  runEnd: number,
): Req[] {
  const out: Req[] = [];
  for (const op of ops) {
    const cls = classify(op.f);
    if (cls === "other" || op.invoke.time >= runEnd) continue;
    if (op.complete && op.complete.time > runEnd) continue; // ended by the harness's stop
    out.push({
      node: op.node,
      cls,
      start: op.invoke.time,
      end: op.complete?.time ?? runEnd,
      ok: op.outcome === "ok",
      answered: op.outcome === "ok" ||
        (op.outcome === "fail" && op.complete?.revision !== undefined),
      completed: op.complete !== undefined,
    });
  }
  for (const e of history) {
    if (e.kind !== "probe" || e.time > runEnd) continue;
    const p = e as ProbeEvent;
    out.push({
      node: PROBE_NODE,
      cls: "read",
      start: p.time - p.latencyMs,
      end: p.time,
      ok: p.ok,
      answered: p.ok,
      completed: true,
    });
  }
  return out;
}

function successTimes(reqs: readonly Req[]): number[] {
  return reqs.filter((r) => r.ok && r.completed).map((r) => r.end).sort((a, b) => a - b);
}

/** The pieces of [from, to] outside every span. */
function complement(spans: Span[], from: number, to: number): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  let at = from;
  for (const s of sorted) {
    if (s.start > at) out.push({ start: at, stop: Math.min(s.start, to) });
    at = Math.max(at, s.stop);
    if (at >= to) break;
  }
  if (at < to) out.push({ start: at, stop: to });
  return out.filter((s) => s.stop > s.start);
}

function phaseAt(history: readonly HistoryEvent[], phase: string): number | undefined {
  return history.find((e) => e.kind === "phase" && e.phase === phase)?.time;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
