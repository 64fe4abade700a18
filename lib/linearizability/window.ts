/**
 * The smallest window of a partition that admits no order. A window is a time
 * interval [from, to]: operations lying wholly inside it are judged as they
 * are; operations that straddle its edges become unknown-outcome (they may
 * take effect, or not); operations wholly outside are left out; and the state
 * at `from` is any state (the model's `anyState`, else its initial state, and
 * then `from` stays at the start). If such a window admits no order, neither
 * does the history: whatever order the history had, restricted to the
 * window, is one. Each edge is found by bisection, so the window is minimal
 * along each edge as bisection finds it, not necessarily the global minimum.
 */
import type { Model, Op } from "./model.ts";
import { searchLinearization } from "./search.ts";

/** A window that admits no order. */
export interface FailingWindow {
  from: number;
  to: number;
  /** The operations judged as they are (wholly inside). */
  inside: number[];
  /** The operations that straddle an edge (judged as unknown outcome). */
  edge: number[];
  /** True when bisection ran to its end within the time it had. */
  minimal: boolean;
}

/** Options of {@link smallestWindow}. */
export interface WindowOptions {
  /** `performance.now()` after which bisection stops with the window it has. */
  deadline: number;
}

/** The operations of the window [from, to] of `ops`, with edge ones made unknown. */
export function windowOps<I, O>(ops: readonly Op<I, O>[], from: number, to: number): Op<I, O>[] {
  const out: Op<I, O>[] = [];
  for (const op of ops) {
    if (op.call > to || op.ret < from) continue;
    if (op.call >= from && op.ret <= to) out.push(op);
    else out.push({ ...op, output: undefined, ret: Infinity });
  }
  return out;
}

/**
 * Shrinks a partition known not to be linearizable to a small window that
 * still admits no order, starting from the operation the search could not
 * place (`near`, its index in `ops`): windows ending at its return, growing
 * leftwards by doubling (small windows are cheap to search), then bisected
 * on each edge. Returns null if time ran out before any window failed.
 */
export function smallestWindow<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Op<I, O>[],
  options: WindowOptions & { near?: number },
): FailingWindow | null {
  let timedOut = false;
  const hasAny = model.anyState !== undefined;
  const anyState = model.anyState?.() as S;
  const fails = (from: number, to: number): boolean => {
    if (timedOut) return false;
    const sub = windowOps(ops, from, to).filter((op) =>
      !(op.ret === Infinity && model.readOnly?.(op.input))
    );
    const start = from === -Infinity || !hasAny ? model.init() : anyState;
    const r = searchLinearization(model, sub, { deadline: options.deadline, start });
    if (r.kind === "timeout") timedOut = true;
    return r.kind === "illegal";
  };
  const rets = [...new Set(ops.filter((o) => o.ret !== Infinity).map((o) => o.ret))].sort((a, b) =>
    a - b
  );
  const calls = [...new Set(ops.map((o) => o.call))].filter(Number.isFinite).sort((a, b) => a - b);
  if (rets.length === 0) return null;
  const first = calls[0] ?? rets[0];
  const leftEdge = (to: number, d: number) => !hasAny || to - d <= first ? -Infinity : to - d;
  // 1. The right edge: from the stuck op's return on, the first that fails with some left edge.
  const near = options.near !== undefined && ops[options.near]?.ret !== Infinity
    ? ops[options.near].ret
    : rets[rets.length - 1];
  let ri = Math.max(0, rets.indexOf(near));
  let to = NaN, d = 1;
  for (let step = 1; ri < rets.length; ri = Math.min(rets.length - 1, ri + step), step *= 2) {
    const t = rets[ri];
    // Grow the window leftwards by doubling until it fails or reaches the start.
    for (d = 1;; d *= 2) {
      const from = leftEdge(t, d);
      if (fails(from, t)) {
        to = t;
        break;
      }
      if (from === -Infinity || timedOut) break;
    }
    if (!Number.isNaN(to) || timedOut || ri === rets.length - 1) break;
  }
  if (Number.isNaN(to)) return null;
  // 2. The left edge: the latest call in (to - d, to - d/2] that still fails.
  let from = leftEdge(to, d);
  if (from !== -Infinity) {
    const cand = calls.filter((c) => c > from && c <= to - d / 2 && c <= to);
    let lo = 0, hi = cand.length - 1;
    while (lo <= hi && !timedOut) {
      const mid = (lo + hi) >> 1;
      if (fails(cand[mid], to)) {
        from = cand[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
  }
  // 3. The right edge again, now that the left one is fixed: the earliest return that fails.
  const back = rets.filter((r) => r < to && (from === -Infinity || r >= from));
  let lo = 0, hi = back.length - 1;
  while (lo <= hi && !timedOut) {
    const mid = (lo + hi) >> 1;
    if (fails(from, back[mid])) {
      to = back[mid];
      hi = mid - 1;
    } else lo = mid + 1;
  }
  const inside: number[] = [], edge: number[] = [];
  for (const op of windowOps(ops, from, to)) (op.ret === Infinity ? edge : inside).push(op.id);
  return { from, to, inside, edge, minimal: !timedOut };
}
