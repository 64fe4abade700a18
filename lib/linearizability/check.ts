/**
 * Checks a whole history: cross-partition checks first, then a search per
 * partition (P-compositionality), all within one time budget. A history is
 * `not linearizable` as soon as one partition admits no order (or a cross
 * check fails), `unknown` if a search ran out of budget and nothing failed,
 * and `linearizable` only when every partition was searched to the end.
 */
import type { CrossViolation, Model, Op } from "./model.ts";
import { searchLinearization } from "./search.ts";
import { type FailingWindow, smallestWindow } from "./window.ts";

/** The three verdicts. `unknown` is never a pass. */
export type Verdict = "linearizable" | "not linearizable" | "unknown";

/** An operation as a person and the report read it. */
export interface OpView {
  id: number;
  client: string;
  call: number;
  /** `null`: never returned (unknown outcome). */
  ret: number | null;
  text: string;
  source?: string;
}

/** One step of a partial linearization, for a person. */
export interface StepView {
  op: OpView;
  stateAfter: string;
}

/** The verdict of one partition with its evidence. */
export interface PartitionVerdict {
  name: string;
  verdict: Verdict;
  /** Operations searched (unknown-outcome reads are left out). */
  ops: number;
  /** Search steps taken. */
  steps: number;
  /** When not linearizable: the operation the longest partial linearization could not place. */
  stuck?: OpView;
  /** When not linearizable or unknown: the longest partial linearization found (its last 50 steps). */
  longest?: StepView[];
  /** Length of the longest partial linearization (steps). */
  longestLength?: number;
  /** When not linearizable: the partition's operations around the window, for drawing (≤ 300). */
  context?: OpView[];
  /** When not linearizable: the smallest window found that admits no order. */
  window?: {
    from: number;
    to: number;
    minimal: boolean;
    inside: OpView[];
    edge: OpView[];
  };
}

/** The result of {@link checkHistory}. */
export interface CheckResult {
  model: string;
  verdict: Verdict;
  /** Operations in the history (fail ones are not in it). */
  ops: number;
  partitions: PartitionVerdict[];
  /** Violations found across partitions (e.g. revisions out of real-time order). */
  cross: { message: string; ops: OpView[] }[];
  elapsedMs: number;
  /** Why the verdict is unknown, when it is. */
  reason?: string;
}

/** Options of {@link checkHistory}. */
export interface CheckOptions {
  /** Time the searches may take together, ms (default 10 000). */
  budgetMs?: number;
  /** Time the evidence (window bisection) may take after a violation, ms (default 5 000). */
  evidenceBudgetMs?: number;
  /** Called every 1 024 search steps (e.g. to sample memory). */
  onTick?: () => void;
  /** Stop at the first partition that admits no order (default false: judge them all). */
  stopAtFirst?: boolean;
}

const LONGEST_SHOWN = 50;

/** Checks `ops` against `model` within a time budget. */
export function checkHistory<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Op<I, O>[],
  options: CheckOptions = {},
): CheckResult {
  const t0 = performance.now();
  const budget = options.budgetMs ?? 10_000;
  const deadline = t0 + budget;
  const byId = new Map<number, Op<I, O>>();
  for (const op of ops) byId.set(op.id, op);
  const view = (op: Op<I, O>): OpView => ({
    id: op.id,
    client: op.client,
    call: op.invoked ?? op.call,
    ret: op.ret === Infinity ? null : op.ret,
    text: model.describeOp(op.input, op.output),
    ...(op.source ? { source: op.source } : {}),
  });
  const viewId = (id: number) => view(byId.get(id)!);

  const kept = ops.filter((op) => !(op.ret === Infinity && model.readOnly?.(op.input)));
  const cross = (model.crossCheck?.(kept) ?? []).map((v: CrossViolation) => ({
    message: v.message,
    ops: v.ops.filter((id) => byId.has(id)).map(viewId),
  }));
  const parts = model.partition?.(kept) ?? [{ name: model.name, ops: kept }];
  const partitions: PartitionVerdict[] = [];
  let reason: string | undefined;
  for (const part of parts) {
    if (options.stopAtFirst && partitions.some((p) => p.verdict === "not linearizable")) break;
    if (performance.now() > deadline) {
      partitions.push({ name: part.name, verdict: "unknown", ops: part.ops.length, steps: 0 });
      reason ??= `the time budget (${budget} ms) ran out before this partition was searched`;
      continue;
    }
    const m = model.specialize?.(part.ops) ?? model;
    const searched = m.prune?.(part.ops) ?? part.ops;
    const r = searchLinearization(m, searched, { deadline, onTick: options.onTick });
    const pv: PartitionVerdict = {
      name: part.name,
      verdict: r.kind === "ok"
        ? "linearizable"
        : r.kind === "illegal"
        ? "not linearizable"
        : "unknown",
      ops: searched.length,
      steps: r.steps,
    };
    if (r.kind !== "ok") {
      pv.longestLength = r.longest.length;
      pv.longest = r.longest.slice(-LONGEST_SHOWN).map((s) => ({
        op: view(searched[s.index]),
        stateAfter: model.describeState(s.stateAfter),
      }));
    }
    if (r.kind === "timeout") {
      reason ??= `the search of ${part.name} ran out of its time budget (${budget} ms)`;
    }
    if (r.kind === "illegal") {
      if (r.stuck >= 0) pv.stuck = view(searched[r.stuck]);
      const inPart = new Map(searched.map((op) => [op.id, op]));
      const viewPart = (id: number) => view(inPart.get(id) ?? byId.get(id)!);
      const w: FailingWindow | null = smallestWindow(m, searched, {
        near: r.stuck >= 0 ? r.stuck : undefined,
        deadline: performance.now() + (options.evidenceBudgetMs ?? 5_000),
      });
      if (w) {
        const span = Math.max(w.to - (w.from === -Infinity ? w.to : w.from), 1);
        const lo = (w.from === -Infinity ? w.to - span : w.from) - 4 * span, hi = w.to + 4 * span;
        pv.context = searched.filter((op) => op.ret >= lo && op.call <= hi).slice(0, 300).map(view);
        pv.window = {
          from: w.from,
          to: w.to,
          minimal: w.minimal,
          inside: w.inside.map(viewPart),
          edge: w.edge.map(viewPart),
        };
      }
    }
    partitions.push(pv);
  }
  const verdict: Verdict =
    cross.length > 0 || partitions.some((p) => p.verdict === "not linearizable")
      ? "not linearizable"
      : partitions.some((p) => p.verdict === "unknown")
      ? "unknown"
      : kept.length === 0
      ? "unknown"
      : "linearizable";
  if (verdict === "unknown" && kept.length === 0) reason ??= "no operation to judge";
  return {
    model: model.name,
    verdict,
    ops: ops.length,
    partitions,
    cross,
    elapsedMs: performance.now() - t0,
    ...(verdict === "unknown" && reason ? { reason } : {}),
  };
}
