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
 * still admits no order. Returns null if even the whole partition passes as a
 * window (cannot happen for a history the search rejected) or time ran out first.
 */
export function smallestWindow<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Op<I, O>[],
  options: WindowOptions,
): FailingWindow | null {
  const fails = (from: number, to: number, start: S): boolean | null => {
    const sub = windowOps(ops, from, to).filter((op) =>
      !(op.ret === Infinity && model.readOnly?.(op.input))
    );
    const r = searchLinearization(model, sub, { deadline: options.deadline, start });
    return r.kind === "timeout" ? null : r.kind === "illegal";
  };
  const init = model.init();
  // Right edge: the earliest return time t with [−∞, t] failing.
  const rets = [...new Set(ops.filter((o) => o.ret !== Infinity).map((o) => o.ret))].sort((a, b) =>
    a - b
  );
  if (rets.length === 0) return null;
  let lo = 0, hi = rets.length - 1;
  const whole = fails(-Infinity, rets[hi], init);
  if (whole !== true) return null;
  let minimal = true;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const f = fails(-Infinity, rets[mid], init);
    if (f === null) {
      minimal = false;
      break;
    }
    if (f) hi = mid;
    else lo = mid + 1;
  }
  const to = rets[hi];
  // Left edge: the latest call time c with [c, to] failing from any state.
  let from = -Infinity;
  if (model.anyState && minimal) {
    const anyState = model.anyState();
    const calls = [...new Set(ops.filter((o) => o.call <= to).map((o) => o.call))].sort((a, b) =>
      a - b
    );
    let l = 0, h = calls.length - 1, found = -1;
    while (l <= h) {
      const mid = (l + h) >> 1;
      const f = fails(calls[mid], to, anyState);
      if (f === null) {
        minimal = false;
        break;
      }
      if (f) {
        found = mid;
        l = mid + 1;
      } else h = mid - 1;
    }
    if (found >= 0) from = calls[found];
  }
  const inside: number[] = [], edge: number[] = [];
  for (const op of windowOps(ops, from, to)) (op.ret === Infinity ? edge : inside).push(op.id);
  // windowOps copies straddlers with ret = Infinity; an unknown op inside stays "edge" too, fine.
  return { from, to, inside, edge, minimal };
}
