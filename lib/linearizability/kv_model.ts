/**
 * etcd's key-value store as a linearizability model, judged one key at a
 * time: each key's partition holds the operations on it (a range becomes a
 * read of every key it could have returned; a lease revoke is in the
 * partition of every key ever put under that lease). The global revision ties
 * the keys together: within a key, every write's revision must be above the
 * revision already seen there and every read's at least that; across keys,
 * {@link kvCrossCheck} holds revisions to real-time order and uniqueness.
 *
 * A serializable get is judged against the state at some earlier point: it
 * may take effect at any time before it returned, not only after it was
 * invoked, but no earlier than the invocation of the latest write on its key
 * whose revision is at most the get's header revision (it saw that write).
 */
import type { Model, Op, Partition } from "./model.ts";
import type { KvInput, KvOutput } from "./kv_types.ts";
import { leaseOf } from "./kv_types.ts";
import {
  absent,
  ANY_KEY,
  assume,
  describeKey,
  holds,
  type KeyState,
  observe,
  put,
  remove,
  stateKey,
  stateTieKey,
  touch,
} from "./kv_state.ts";
import { kvCrossCheck, writeRevision } from "./kv_revisions.ts";
import { describeKvOp } from "./kv_describe.ts";

type KvOp = Op<KvInput, KvOutput>;

const nonNull = (xs: (KeyState | null)[]): KeyState[] =>
  xs.filter((x): x is KeyState => x !== null);

function stepKey(s: KeyState, input: KvInput, out: KvOutput | undefined): KeyState[] {
  switch (input.f) {
    case "get":
      if (out === undefined) return [s];
      return nonNull([observe(s, out.kv ?? null, out.revision)]);
    case "put":
      return nonNull([put(s, input.value, leaseOf(input.lease), out?.revision)]);
    case "delete": {
      if (out === undefined) {
        if (s.ex === 0) return [s];
        return [
          s.ex === 1 ? absent(s.floor + 1, s.floor + 1, Infinity) : absent(s.floor, 0, Infinity),
        ];
      }
      const gone = remove(s, out.revision),
        none = s.ex === 1 ? null : touch(
          s.ex === 2 ? absent(s.floor, 0, Infinity) : s,
          out.revision,
        );
      if (out.deleted === undefined) return nonNull([gone, none]);
      return nonNull([out.deleted > 0 ? gone : none]);
    }
    case "txn": {
      const apply = (t: KeyState, r: number | undefined, deleted?: number): (KeyState | null)[] => {
        if ("put" in input.then) return [put(t, input.then.put, leaseOf(input.then.lease), r)];
        // A delete of a missing key changes nothing: the header then carries the current revision.
        const gone = remove(t, r);
        const none = t.ex === 1 ? null : touch(t.ex === 2 ? absent(t.floor, 0, Infinity) : t, r);
        if (deleted === undefined) return [gone, none];
        return [deleted > 0 ? gone : none];
      };
      if (out === undefined) {
        const h = holds(s, input.compare);
        const yes = h === false ? [] : (() => {
          const t = assume(s, input.compare, true);
          return t ? apply(t, undefined) : [];
        })();
        return nonNull([...yes, ...(h === true ? [] : [s])]);
      }
      const t = assume(s, input.compare, out.succeeded === true);
      if (!t) return [];
      if (out.succeeded) return nonNull(apply(t, out.revision, out.deleted));
      return nonNull([
        out.kv !== undefined ? observe(t, out.kv, out.revision) : touch(t, out.revision),
      ]);
    }
    case "revoke": {
      const attached = s.ex === 1 && s.lease === input.lease;
      const maybe = s.ex === 2 || (s.ex === 1 && s.lease === "?");
      if (out === undefined) {
        const gone = absent(s.floor + 1, s.floor + 1, Infinity);
        if (attached) return [gone];
        return maybe ? [gone, s] : [s];
      }
      const gone = attached || maybe ? remove(s, out.revision) : null;
      const kept = attached ? null : touch(s, out.revision);
      return nonNull([gone, kept]);
    }
    default:
      return [];
  }
}

/** The keys of a history: the keys operations name and the keys ranges returned. */
function keysOf(ops: readonly KvOp[]): string[] {
  const keys = new Set<string>();
  for (const op of ops) {
    if ("key" in op.input) keys.add(op.input.key);
    for (const kv of op.output?.kvs ?? []) keys.add(kv.key);
  }
  return [...keys].sort();
}

/** Splits kv operations into one partition per key. */
export function partitionKv(ops: readonly KvOp[]): Partition<KvInput, KvOutput>[] {
  const keys = keysOf(ops);
  const parts = new Map<string, KvOp[]>(keys.map((k) => [k, []]));
  const leaseKeys = new Map<string, Set<string>>();
  for (const op of ops) {
    const i = op.input;
    const lease = i.f === "put"
      ? leaseOf(i.lease)
      : i.f === "txn" && "put" in i.then
      ? leaseOf(i.then.lease)
      : "";
    if (lease && "key" in i) {
      if (!leaseKeys.has(lease)) leaseKeys.set(lease, new Set());
      leaseKeys.get(lease)!.add(i.key);
    }
  }
  for (const op of ops) {
    const i = op.input;
    if (i.f === "range") {
      if (op.output === undefined) continue;
      const got = new Map((op.output.kvs ?? []).map((kv) => [kv.key, kv]));
      for (const k of keys) {
        if (!k.startsWith(i.prefix)) continue;
        parts.get(k)!.push({
          ...op,
          input: { f: "get", key: k, serializable: i.serializable, range: i.prefix },
          output: { revision: op.output.revision, kv: got.get(k) ?? null },
        });
      }
    } else if (i.f === "revoke") {
      if (op.output?.found === false) continue;
      for (const k of leaseKeys.get(i.lease) ?? []) parts.get(k)!.push(op);
    } else if ("key" in i) parts.get(i.key)!.push(op);
  }
  // Serializable gets: from the call of the latest write they could have seen.
  for (const list of parts.values()) {
    const writes = list.flatMap((op) => {
      const r = writeRevision(op);
      return r === undefined ? [] : [{ r, call: op.call }];
    }).sort((a, b) => a.r - b.r);
    for (let j = 0; j < list.length; j++) {
      const op = list[j];
      if (op.input.f !== "get" || !op.input.serializable || op.output === undefined) continue;
      const R = op.output.revision;
      let from = -Infinity;
      if (R !== undefined) {
        let lo = 0, hi = writes.length - 1, at = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (writes[mid].r <= R) {
            at = mid;
            lo = mid + 1;
          } else hi = mid - 1;
        }
        if (at >= 0) from = writes[at].call;
      }
      list[j] = { ...op, call: Math.min(op.call, from), invoked: op.call };
    }
  }
  return [...parts].filter(([, list]) => list.length > 0).map(([name, ops]) => ({ name, ops }));
}

/** The kv model of etcd (see the module comment for what it allows). */
export const kvModel: Model<KeyState, KvInput, KvOutput> = {
  name: "kv",
  init: () => absent(0),
  anyState: () => ANY_KEY,
  step: stepKey,
  key: stateKey,
  tieKey: stateTieKey,
  clock: (_input, output) => output?.revision ?? 0,
  // The floor only grows: a write answered at or below it, or a read below it, is too late.
  dead: (s, input, output) => {
    const r = output?.revision;
    if (r === undefined) return false;
    const writes = (input.f === "put") || (input.f === "delete" && (output!.deleted ?? 0) > 0) ||
      (input.f === "txn" && output!.succeeded === true && "put" in input.then);
    if (writes ? r <= s.floor : r < s.floor) return true;
    // A read that saw the key at mod revision m, once the floor has reached m: no later state
    // can have mod m again, so if this one does not match, none will.
    const kv = output!.kv;
    if ((input.f === "get" || input.f === "txn") && kv && kv.modRevision <= s.floor) {
      return stepKey(s, input, output).length === 0;
    }
    return false;
  },
  // Only a read that saw the key pins which state it saw (its mod revision is unique); an
  // absence seen at revision R may be this absence or a later one, so it branches.
  observes: (input, output) =>
    output !== undefined && output.kv != null &&
    (input.f === "get" || (input.f === "txn" && output.succeeded === false)),
  readOnly: (input) => input.f === "get" || input.f === "range" || input.f === "grant",
  partition: partitionKv,
  crossCheck: kvCrossCheck,
  describeOp: describeKvOp,
  describeState: describeKey,
};
