/**
 * The shapes every linearizability model and history share: an operation with
 * its call and return times, and a model that says which states an operation
 * can lead to.
 */

/**
 * One operation of a history. An operation whose outcome is unknown (`info`)
 * has `output: undefined` and `ret: Infinity`: it may take effect at any time
 * after its call, or never.
 */
export interface Op<I = unknown, O = unknown> {
  /** Position in the input list; evidence names operations by it. */
  id: number;
  /** The process that issued it (one operation at a time per client). */
  client: string;
  input: I;
  /** What it returned; `undefined` when unknown. */
  output: O | undefined;
  /** When it was invoked (any clock shared by all clients). */
  call: number;
  /**
   * When it was really invoked, where the model moved `call` earlier (a
   * serializable read may take effect before its invocation); evidence shows this.
   */
  invoked?: number;
  /** When it returned; `Infinity` when it never did (unknown outcome). */
  ret: number;
  /** Where it came from, for a person: `line 12`, `event 40`. */
  source?: string;
}

/** True when the operation's outcome is unknown. */
export function isInfo(op: Op): boolean {
  return op.ret === Infinity;
}

/** A sub-history judged on its own (P-compositionality): one key's operations. */
export interface Partition<I, O> {
  /** What the part is about, e.g. a key. */
  name: string;
  ops: Op<I, O>[];
}

/** A violation found outside the search (e.g. revisions of different keys out of order). */
export interface CrossViolation {
  /** One line a person reads. */
  message: string;
  /** Ids of the operations that prove it. */
  ops: number[];
}

/**
 * A sequential specification. States are immutable values; `key` identifies a
 * state (equal states, equal keys), which is what the search memoizes on.
 */
export interface Model<S, I, O> {
  name: string;
  /** The state before the first operation. */
  init(): S;
  /**
   * A state standing for every possible state (its first observation pins it),
   * used to judge a window cut out of the middle of a history. Optional.
   */
  anyState?(): S;
  /**
   * The states the operation can lead to from `state` when it returned
   * `output` (`undefined`: unknown, the operation took effect). Empty: it
   * cannot be linearized here.
   */
  step(state: S, input: I, output: O | undefined): readonly S[];
  /** A string that identifies the state (the memo key). */
  key(state: S): string;
  /**
   * The state's key without its clock (e.g. etcd's global revision), for
   * models where an observation only moves the clock forward: the search then
   * takes such an op at once (the one with the smallest {@link clock} first)
   * instead of branching on it. Default: `key`.
   */
  tieKey?(state: S): string;
  /**
   * True when the op, with this output, changes no state whatever the state
   * (a read; a delete that deleted nothing; a txn whose compare failed and
   * only read): only such ops are taken at once without branching.
   * Default: `readOnly(input)` with a known output.
   */
  observes?(input: I, output: O | undefined): boolean;
  /**
   * True when the op can be linearized neither in `state` nor in any state
   * after it (e.g. its revision is below the revision already reached): the
   * search then backtracks at once instead of at the op's return.
   */
  dead?(state: S, input: I, output: O | undefined): boolean;
  /** The clock an op observes (e.g. a read's header revision). Default 0. */
  clock?(input: I, output: O | undefined): number;
  /**
   * The model for one partition's operations, free to identify states no
   * operation can tell apart (e.g. register values nobody reads): fewer
   * distinct states, a smaller search. Default: the model itself.
   */
  specialize?(ops: readonly Op<I, O>[]): Model<S, I, O>;
  /**
   * Leaves out operations that cannot change the verdict (e.g. an unknown
   * write of a value nobody reads: it could only erase). Default: none.
   */
  prune?(ops: readonly Op<I, O>[]): Op<I, O>[];
  /** True for operations that never change the state: dropped when their outcome is unknown. */
  readOnly?(input: I): boolean;
  /** Splits a history into parts that are linearizable alone iff together. Default: one part. */
  partition?(ops: readonly Op<I, O>[]): Partition<I, O>[];
  /** Checks that span partitions (e.g. a global revision); run before the search. */
  crossCheck?(ops: readonly Op<I, O>[]): CrossViolation[];
  /** One operation as a person reads it, e.g. `put k=v → rev 7`. */
  describeOp(input: I, output: O | undefined): string;
  /** One state as a person reads it. */
  describeState(state: S): string;
}
