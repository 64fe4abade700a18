/**
 * One etcd key as the kv model tracks it between operations, with what is
 * not known kept as ranges: a write whose outcome is unknown has an unknown
 * revision until a read shows it, and a window's start state knows nothing.
 * `floor` is the least the global revision can be at this point of the order.
 */
import type { KeyValue, TxnCompare } from "./kv_types.ts";

/** The state of one key. Immutable. */
export interface KeyState {
  /** 0 absent, 1 present, 2 unknown. */
  readonly ex: 0 | 1 | 2;
  /** The value; null when unknown (or absent). */
  readonly val: string | null;
  /**
   * Create and mod revision, each a range [lo, hi] (lo = hi when known). When absent, the
   * mod range is the revision of the delete that made it so (0 if never created), so that
   * an absence never comes back as the same state (see the search's forced observations).
   */
  readonly cLo: number;
  readonly cHi: number;
  readonly mLo: number;
  readonly mHi: number;
  /** Version; -1 unknown. */
  readonly ver: number;
  /** Lease id; "" none, "?" unknown. */
  readonly lease: string;
  /** The global revision is at least this here. */
  readonly floor: number;
}

/** The key is absent since a delete at revision [dLo, dHi] (0: never created). */
export function absent(floor: number, dLo = 0, dHi = dLo): KeyState {
  return { ex: 0, val: null, cLo: 0, cHi: 0, mLo: dLo, mHi: dHi, ver: 0, lease: "", floor };
}

/** Nothing known (a window's start). */
export const ANY_KEY: KeyState = {
  ex: 2,
  val: null,
  cLo: 1,
  cHi: Infinity,
  mLo: 1,
  mHi: Infinity,
  ver: -1,
  lease: "?",
  floor: 0,
};

/** The memo key of a state. The value goes last, so no separator in it can be misread. */
export function stateKey(s: KeyState): string {
  return s.ex + "|" + s.cLo + "|" + s.cHi + "|" + s.mLo + "|" + s.mHi + "|" + s.ver + "|" +
    s.lease + "|" + s.floor + "|" + (s.val ?? "\u0000");
}

/** The memo key without the floor (the model's clock). */
export function stateTieKey(s: KeyState): string {
  return s.ex + "|" + s.cLo + "|" + s.cHi + "|" + s.mLo + "|" + s.mHi + "|" + s.ver + "|" +
    s.lease + "|" + (s.val ?? "\u0000");
}

/** Something observed at global revision `R` (when known) without seeing the key's fields. */
export function touch(s: KeyState, R: number | undefined): KeyState | null {
  if (R === undefined) return s;
  if (R < s.floor) return null;
  if (s.ex === 0) {
    const mHi = Math.min(s.mHi, R);
    return R === s.floor && mHi === s.mHi
      ? s
      : mHi < s.mLo
      ? null
      : { ...s, mHi, floor: Math.max(s.floor, R) };
  }
  const cHi = s.ex === 2 ? s.cHi : Math.min(s.cHi, R), mHi = Math.min(s.mHi, R);
  if (cHi < s.cLo || mHi < s.mLo) return null;
  return { ...s, cHi, mHi, floor: Math.max(s.floor, R) };
}

/** A read at revision `R` (when known) saw `kv` (null: no key). */
export function observe(
  s: KeyState,
  kv: KeyValue | null,
  R: number | undefined,
): KeyState | null {
  if (R !== undefined && R < s.floor) return null;
  const floor = R === undefined ? s.floor : Math.max(s.floor, R);
  if (kv === null) {
    if (s.ex === 1) return null;
    if (s.ex === 2) return absent(floor, 0, R ?? Infinity);
    return touch(s, R);
  }
  if (s.ex === 0) return null;
  if (s.val !== null && s.val !== kv.value) return null;
  const c = kv.createRevision, m = kv.modRevision;
  if (m < s.mLo || m > s.mHi || c < s.cLo || c > s.cHi) return null;
  if (s.ver >= 0 && kv.version !== s.ver) return null;
  if (R !== undefined && m > R) return null;
  if (c > m || (kv.version === 1 && c !== m)) return null;
  let lease = s.lease;
  if (kv.lease !== undefined) {
    const l = kv.lease === "0" ? "" : kv.lease;
    if (s.lease !== "?" && s.lease !== l) return null;
    lease = l;
  }
  return { ex: 1, val: kv.value, cLo: c, cHi: c, mLo: m, mHi: m, ver: kv.version, lease, floor };
}

/** The revision a write takes: known `r` (must be above the floor), else any above it. */
function newRevision(s: KeyState, r: number | undefined): [number, number] | null {
  if (r === undefined) return [s.floor + 1, Infinity];
  return r > s.floor ? [r, r] : null;
}

/** A put of `val` under `lease` ("" none) at revision `r` (undefined: unknown). */
export function put(
  s: KeyState,
  val: string,
  lease: string,
  r: number | undefined,
): KeyState | null {
  const rev = newRevision(s, r);
  if (!rev) return null;
  const [lo, hi] = rev;
  const floor = lo;
  if (s.ex === 0) return { ex: 1, val, cLo: lo, cHi: hi, mLo: lo, mHi: hi, ver: 1, lease, floor };
  if (s.ex === 1) {
    return {
      ex: 1,
      val,
      cLo: s.cLo,
      cHi: s.cHi,
      mLo: lo,
      mHi: hi,
      ver: s.ver < 0 ? -1 : s.ver + 1,
      lease,
      floor,
    };
  }
  return {
    ex: 1,
    val,
    cLo: Math.min(s.cLo, lo),
    cHi: Math.max(s.cHi, hi),
    mLo: lo,
    mHi: hi,
    ver: -1,
    lease,
    floor,
  };
}

/** A delete of a key that is present, at revision `r` (undefined: unknown). */
export function remove(s: KeyState, r: number | undefined): KeyState | null {
  if (s.ex === 0) return null;
  const rev = newRevision(s, r);
  return rev ? absent(rev[0], rev[0], rev[1]) : null;
}

/** The key's state assuming `cmp` held (`holds`) or did not; null if it cannot have. */
export function assume(s: KeyState, cmp: TxnCompare, holds: boolean): KeyState | null {
  if ("value" in cmp) {
    if (s.ex === 0) return holds ? null : s;
    if (s.ex === 1 && s.val !== null) return (s.val === cmp.value) === holds ? s : null;
    if (!holds) return s; // "not equal to a value" cannot be kept: stay as unknown as before
    return { ...s, ex: 1, val: cmp.value };
  }
  const m = cmp.modRevision;
  if (s.ex === 0) return (m === 0) === holds ? s : null;
  if (s.ex === 1 && s.mLo === s.mHi) return (s.mLo === m) === holds ? s : null;
  if (!holds) return s;
  if (m === 0) return s.ex === 2 ? absent(s.floor, 0, Infinity) : null;
  if (m < s.mLo || m > s.mHi) return null;
  const tied = s.ver === 1; // version 1: created by that write, so create = mod
  if (tied && (m < s.cLo || m > s.cHi)) return null;
  return {
    ...s,
    ex: 1,
    mLo: m,
    mHi: m,
    ...(tied ? { cLo: m, cHi: m } : {}),
  };
}

/** Whether `cmp` holds in `s`: true, false, or null (it depends on what is unknown). */
export function holds(s: KeyState, cmp: TxnCompare): boolean | null {
  const t = assume(s, cmp, true) !== null, f = assume(s, cmp, false) !== null;
  return t && !f ? true : f && !t ? false : t && f ? null : false;
}

/** The state as a person reads it. */
export function describeKey(s: KeyState): string {
  const range = (lo: number, hi: number) =>
    lo === hi ? String(lo) : hi === Infinity ? `≥${lo}` : `${lo}..${hi}`;
  const rev = `rev≥${s.floor}`;
  if (s.ex === 0) {
    return `absent${s.mHi === 0 ? "" : ` since the delete at ${range(s.mLo, s.mHi)}`} (${rev})`;
  }
  const v = s.val === null ? "?" : JSON.stringify(s.val);
  const lease = s.lease === "" ? "" : s.lease === "?" ? " lease ?" : ` lease ${s.lease}`;
  const head = s.ex === 2 ? "unknown: " : "";
  return `${head}${v} (create ${range(s.cLo, s.cHi)}, mod ${range(s.mLo, s.mHi)}, version ${
    s.ver < 0 ? "?" : s.ver
  }${lease}; ${rev})`;
}
