/**
 * The Wing–Gong–Lowe search for one partition: the history as a doubly linked
 * list of call and return entries in time order; the search linearizes the
 * first call it can, lifts its two entries out of the list, and backtracks
 * when it reaches a return whose operation it has not linearized. Each
 * (linearized set, state) pair is visited once (Lowe's memoization).
 *
 * The linearized set is kept as a frontier, not a bitset: the operations that
 * surely complete are ranked by call time, and the set is "every rank below
 * `p`, plus these few above it", plus the unknown-outcome operations
 * linearized so far. Since operations are linearized roughly in call order,
 * the memo key stays as short as the concurrency, whatever the history's length.
 */
import type { Model, Op } from "./model.ts";

/** One step of a partial linearization: an operation and the state after it. */
export interface Step<S> {
  /** Index into the searched operations. */
  index: number;
  stateAfter: S;
}

/** What the search found. */
export type SearchOutcome<S> =
  | { kind: "ok"; order: Step<S>[]; steps: number }
  | {
    kind: "illegal";
    /** The longest partial linearization found. */
    longest: Step<S>[];
    /** Index of the operation whose return the longest linearization could not reach. */
    stuck: number;
    /** Search steps taken. */
    steps: number;
  }
  | { kind: "timeout"; longest: Step<S>[]; steps: number };

/** Options of {@link searchLinearization}. */
export interface SearchOptions<S> {
  /** `performance.now()` after which the search gives up (answers `timeout`). */
  deadline: number;
  /** Called every 1 024 steps (e.g. to sample memory). */
  onTick?: () => void;
  /** Start state (present even when `undefined`); absent: the model's `init()`. */
  start?: S;
}

/** A legal next step: the op at call entry `entry` and the states it can lead to. */
interface Choice<S> {
  /** The op's call entry; -1 for "the unknown-outcome ops invoked by `until`", listed when reached. */
  entry: number;
  until?: number;
  /** The clock of an op that can leave the state as it is but for its clock; else Infinity. */
  tie?: number;
  /** Null until needed (unknown-outcome ops are stepped only when the search gets to them). */
  alts: readonly S[] | null;
}

interface Frame<S> {
  entry: number;
  before: S;
  beforeKey: string;
  after: S;
  /** The choices at this point and which one was taken; null when forced (no alternative). */
  choices: Choice<S>[] | null;
  ci: number;
  ai: number;
  parent: Frame<S> | null;
  depth: number;
}

/** Searches a linearization of `ops` (one partition) under `model`. */
export function searchLinearization<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Op<I, O>[],
  options: SearchOptions<S>,
): SearchOutcome<S> {
  const n = ops.length;
  // Entry e: call of op e>>1 when even, return when odd. HEAD = 2n, TAIL = 2n+1.
  const HEAD = 2 * n, TAIL = 2 * n + 1;
  const entries = new Int32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) entries[i] = i;
  const time = (e: number) => (e & 1) === 0 ? ops[e >> 1].call : ops[e >> 1].ret;
  // Ties: calls before returns (touching operations count as concurrent), then by op index.
  const sorted = Array.from(entries).sort((a, b) =>
    time(a) - time(b) || (a & 1) - (b & 1) || (a >> 1) - (b >> 1)
  );
  // The list holds the surely-completed ops; unknown-outcome ops (no return) are kept apart in
  // call order, so the scan for what may go next never walks over them.
  const next = new Int32Array(2 * n + 2), prev = new Int32Array(2 * n + 2);
  let last = HEAD;
  const infoOrder: number[] = [];
  for (const e of sorted) {
    if (ops[e >> 1].ret === Infinity) {
      if ((e & 1) === 0) infoOrder.push(e >> 1);
      continue;
    }
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = TAIL;
  prev[TAIL] = last;
  const IHEAD = n, ITAIL = n + 1;
  const inext = new Int32Array(n + 2), iprev = new Int32Array(n + 2);
  let ilast = IHEAD;
  for (const i of infoOrder) {
    inext[ilast] = i;
    iprev[i] = ilast;
    ilast = i;
  }
  inext[ilast] = ITAIL;
  iprev[ITAIL] = ilast;

  // Ranks: surely-completed ops by call time; unknown-outcome ops apart.
  const okRank = new Int32Array(n).fill(-1);
  const infoRank = new Int32Array(n).fill(-1);
  let okCount = 0, infoCount = 0;
  for (const e of sorted) {
    if ((e & 1) !== 0) continue;
    const i = e >> 1;
    if (ops[i].ret === Infinity) infoRank[i] = infoCount++;
    else okRank[i] = okCount++;
  }
  const lin = new Uint8Array(okCount + 1);
  let p = 0; // every ok rank below p is linearized
  let okDone = 0;
  const infoStack: number[] = [];
  let infoKey: string | null = null;
  const infoSets = new Map<string, number>();

  const mark = (i: number) => {
    const r = okRank[i];
    if (r >= 0) {
      lin[r] = 1;
      okDone++;
      if (r === p) { while (lin[p] === 1) p++; }
    } else {
      infoStack.push(infoRank[i]);
      infoKey = null;
    }
  };
  const unmark = (i: number) => {
    const r = okRank[i];
    if (r >= 0) {
      lin[r] = 0;
      okDone--;
      if (r < p) p = r;
    } else {
      infoStack.pop();
      infoKey = null;
    }
  };
  const setKey = (): string => {
    let k = String(p);
    let extras = okDone - p;
    for (let r = p + 1; extras > 0; r++) {
      if (lin[r] === 1) {
        k += "," + r;
        extras--;
      }
    }
    if (infoStack.length > 0) {
      // The unknown-outcome part changes only when one of them is placed or taken back.
      // Kept short: each distinct set gets a number of its own.
      if (infoKey === null) {
        const full = infoStack.slice().sort((a, b) => a - b).toString();
        let id = infoSets.get(full);
        if (id === undefined) infoSets.set(full, id = infoSets.size);
        infoKey = "|" + id;
      }
      k += infoKey;
    }
    return k;
  };
  const lift = (e: number) => {
    const i = e >> 1;
    if (ops[i].ret === Infinity) {
      inext[iprev[i]] = inext[i];
      iprev[inext[i]] = iprev[i];
      return;
    }
    const r = e + 1;
    next[prev[e]] = next[e];
    prev[next[e]] = prev[e];
    next[prev[r]] = next[r];
    prev[next[r]] = prev[r];
  };
  const unlift = (e: number) => {
    const i = e >> 1;
    if (ops[i].ret === Infinity) {
      iprev[inext[i]] = i;
      inext[iprev[i]] = i;
      return;
    }
    const r = e + 1;
    prev[next[r]] = r;
    next[prev[r]] = r;
    prev[next[e]] = e;
    next[prev[e]] = e;
  };
  // The unknown-outcome ops invoked by `until` (not yet placed), newest first.
  const callableUnknown = (until: number): Choice<S>[] => {
    const out: Choice<S>[] = [];
    for (let i = inext[IHEAD]; i !== ITAIL && ops[i].call <= until; i = inext[i]) {
      out.push({ entry: 2 * i, alts: null });
    }
    return out.reverse();
  };

  const tieKey = model.tieKey ?? model.key;
  const clock = model.clock ?? (() => 0);
  const observes = model.observes ??
    ((input: I, output: O | undefined) => output !== undefined && model.readOnly?.(input) === true);
  const seen = new Set<string>();
  let state: S = "start" in options ? options.start as S : model.init();
  let stateKey = model.key(state);
  let top: Frame<S> | null = null;
  let best: Frame<S> | null = null;
  let bestDepth = -1;
  let stuck = -1;
  let steps = 0;

  const push = (
    e: number,
    after: S,
    afterKey: string,
    choices: Choice<S>[] | null,
    ci: number,
    ai: number,
  ) => {
    top = {
      entry: e,
      before: state,
      beforeKey: stateKey,
      after,
      choices,
      ci,
      ai,
      parent: top,
      depth: top === null ? 1 : top.depth + 1,
    };
    state = after;
    stateKey = afterKey;
    lift(e);
  };
  // An unknown-outcome op placed where it changes nothing is the same as left out: only the
  // states it changes are choices.
  const stepUnknown = (i: number): readonly S[] =>
    model.step(state, ops[i].input, ops[i].output).filter((s) => model.key(s) !== stateKey);
  // Takes the first choice from (ci, ai) on whose (set, state) is new.
  const tryFrom = (choices: Choice<S>[], ci: number, ai: number): boolean => {
    for (; ci < choices.length; ci++, ai = 0) {
      if (choices[ci].entry < 0) {
        // The unknown-outcome ops, reached: only now listed (and stepped one by one below).
        choices.splice(ci, 1, ...callableUnknown(choices[ci].until!));
        if (ci >= choices.length) break;
      }
      const c = choices[ci];
      const i = c.entry >> 1;
      const alts = c.alts ??= stepUnknown(i);
      for (; ai < alts.length; ai++) {
        mark(i);
        const k = model.key(alts[ai]);
        const key = setKey() + "#" + k;
        if (!seen.has(key)) {
          seen.add(key);
          push(c.entry, alts[ai], k, choices, ci, ai);
          return true;
        }
        unmark(i);
      }
    }
    return false;
  };

  while (true) {
    if (okDone === okCount) return { kind: "ok", order: stepsOf(top), steps };
    if ((++steps & 1023) === 0) {
      options.onTick?.();
      if (performance.now() > options.deadline) {
        return { kind: "timeout", longest: stepsOf(best ?? top), steps };
      }
    }
    // The calls before the first pending return are the ops that may go next.
    let due = next[HEAD];
    while (due !== TAIL && (due & 1) === 0) due = next[due];
    const dueOp = due === TAIL ? -1 : due >> 1;
    let forced = -1, forcedAlt: S = state, forcedClock = Infinity, forcedOk = false;
    const choices: Choice<S>[] = [];
    const dueTime = dueOp >= 0 ? ops[dueOp].ret : Infinity;
    const anyUnknown = inext[IHEAD] !== ITAIL && ops[inext[IHEAD]].call <= dueTime;
    const tie = tieKey(state);
    let dead = -1;
    for (let e = next[HEAD]; e !== due; e = next[e]) {
      const op = ops[e >> 1];
      if (model.dead?.(state, op.input, op.output)) {
        dead = e >> 1;
        break;
      }
      const alts = model.step(state, op.input, op.output);
      if (alts.length === 0) continue;
      // An op that leaves the state as it is (but for its clock) goes now, the one with the
      // smallest clock first: any order that places it later can place it here instead (its
      // call precedes every pending return).
      let same = -1;
      for (let a = 0; a < alts.length && same < 0; a++) if (tieKey(alts[a]) === tie) same = a;
      let tieClock = Infinity;
      if (same >= 0) {
        // The smallest clock among the ops that can leave the state as it is decides; it is
        // forced only if it is an observation (its own choice of state is then dominated).
        const obs = alts.length === 1 && observes(op.input, op.output);
        const c = clock(op.input, op.output);
        tieClock = c;
        if (forced < 0 || c < forcedClock || (c === forcedClock && obs && !forcedOk)) {
          forced = e;
          forcedAlt = alts[same];
          forcedClock = c;
          forcedOk = obs;
        }
      }
      choices.push({ entry: e, alts, tie: tieClock });
    }
    let advanced = false;
    if (dead >= 0) {
      // An op that can go nowhere from here on: backtrack now.
    } else if (forced >= 0 && forcedOk) {
      mark(forced >> 1);
      const k = model.key(forcedAlt);
      const key = setKey() + "#" + k;
      if (!seen.has(key)) {
        seen.add(key);
        push(forced, forcedAlt, k, null, 0, 0);
        advanced = true;
      } else unmark(forced >> 1); // tried before from here, and failed: so does this point
    } else if (choices.length > 0 || anyUnknown) {
      // Unknown-outcome ops never force (no observation) and never raise the clock without
      // changing the state: they wait at the end of the choices, listed only if reached.
      let unknownLast = anyUnknown;
      if (dueOp >= 0 && (choices.length > 1 || anyUnknown)) {
        const dueIn = ops[dueOp].input, dueOut = ops[dueOp].output;
        // Ops that leave the state as it is but for their clock first, smallest clock first
        // (a larger clock first would rule the smaller out); then the due op, the ops after
        // which it can go, the rest.
        const rank = (c: Choice<S>) =>
          (c.tie ?? Infinity) < Infinity
            ? 0
            : c.entry >> 1 === dueOp
            ? 1
            : c.alts!.some((s) => model.step(s, dueIn, dueOut).length > 0)
            ? 2
            : 3;
        const ranked = choices.map((c, k) => ({ c, r: rank(c), k }));
        // Unknown-outcome ops are ranked too unless the due op can go at once.
        if (anyUnknown && !ranked.some((x) => x.r === 1)) {
          for (const u of callableUnknown(dueTime)) {
            u.alts = stepUnknown(u.entry >> 1);
            if (u.alts.length > 0) ranked.push({ c: u, r: rank(u), k: ranked.length });
          }
          unknownLast = false;
        }
        ranked.sort((x, y) =>
          x.r - y.r || (x.r === 0 ? (x.c.tie ?? 0) - (y.c.tie ?? 0) : 0) || x.k - y.k
        );
        choices.length = 0;
        for (const x of ranked) choices.push(x.c);
      }
      // The newest unknown-outcome ops first: an old one has usually long been settled.
      if (unknownLast) choices.push({ entry: -1, until: dueTime, alts: null });
      advanced = tryFrom(choices, 0, 0);
    }
    if (advanced) continue;
    // Nothing can go next: backtrack.
    const depth = top === null ? 0 : (top as Frame<S>).depth;
    if (depth > bestDepth) {
      bestDepth = depth;
      best = top;
      stuck = dead >= 0 ? dead : dueOp;
    }
    while (true) {
      const f = top as Frame<S> | null;
      if (f === null) return { kind: "illegal", longest: stepsOf(best), stuck, steps };
      top = f.parent;
      unlift(f.entry);
      unmark(f.entry >> 1);
      state = f.before;
      stateKey = f.beforeKey;
      if (f.choices !== null && tryFrom(f.choices, f.ci, f.ai + 1)) break;
    }
  }
}

function stepsOf<S>(top: Frame<S> | null): Step<S>[] {
  const out: Step<S>[] = [];
  for (let f = top; f !== null; f = f.parent) {
    out.push({ index: f.entry >> 1, stateAfter: f.after });
  }
  return out.reverse();
}
