/**
 * Checks of a kv history that span keys: every acknowledged write's revision
 * is its own (no two writes answer the same revision), revisions follow real
 * time (an operation invoked after another returned never answers an older
 * revision, and a write a strictly newer one), and no put under a lease
 * succeeds after that lease's revoke returned.
 */
import type { CrossViolation, Op } from "./model.ts";
import type { KvInput, KvOutput } from "./kv_types.ts";
import { leaseOf } from "./kv_types.ts";
import { describeKvOp } from "./kv_describe.ts";

type KvOp = Op<KvInput, KvOutput>;

/** The revision a definite write answered (it changed a key), else undefined. */
export function writeRevision(op: KvOp): number | undefined {
  const o = op.output, i = op.input;
  if (!o || o.revision === undefined || op.ret === Infinity) return undefined;
  if (i.f === "put") return o.revision;
  if (i.f === "delete" && (o.deleted ?? 0) > 0) return o.revision;
  if (i.f === "txn" && o.succeeded && ("put" in i.then || (o.deleted ?? 0) > 0)) return o.revision;
  return undefined;
}

/** The cross-key violations of a kv history. */
export function kvCrossCheck(ops: readonly KvOp[]): CrossViolation[] {
  const out: CrossViolation[] = [];
  const d = (op: KvOp) => `#${op.id} ${describeKvOp(op.input, op.output)}`;
  // One write per revision.
  const byRev = new Map<number, KvOp>();
  for (const op of ops) {
    const r = writeRevision(op);
    if (r === undefined) continue;
    const other = byRev.get(r);
    if (other && other.id !== op.id) {
      out.push({
        message: `two writes answered revision ${r}: ${d(other)} and ${d(op)}`,
        ops: [other.id, op.id],
      });
    } else byRev.set(r, op);
  }
  // Real time: the largest revision returned before an op's call bounds it from below.
  const done = ops.filter((op) => op.ret !== Infinity && op.output?.revision !== undefined)
    .sort((a, b) => a.ret - b.ret);
  const byCall = ops.filter((op) => op.ret !== Infinity && op.output?.revision !== undefined)
    .sort((a, b) => a.call - b.call);
  let j = 0, max = 0;
  let maxOp: KvOp | null = null;
  for (const op of byCall) {
    while (j < done.length && done[j].ret < op.call) {
      const r = done[j].output!.revision!;
      if (r > max) {
        max = r;
        maxOp = done[j];
      }
      j++;
    }
    if (!maxOp) continue;
    const r = op.output!.revision!;
    const w = writeRevision(op);
    if (w !== undefined && w <= max) {
      out.push({
        message: `${d(op)} answered revision ${w}, but ${
          d(maxOp)
        } had returned revision ${max} before it was invoked: a write's revision must be newer`,
        ops: [maxOp.id, op.id],
      });
    } else if (w === undefined && r < max && !isSerializable(op)) {
      out.push({
        message: `${d(op)} answered revision ${r}, but ${
          d(maxOp)
        } had returned revision ${max} before it was invoked: revisions went back`,
        ops: [maxOp.id, op.id],
      });
    }
  }
  // Leases: no put under a lease after its revoke returned.
  const revoked = new Map<string, KvOp>();
  for (const op of ops) {
    if (
      op.input.f === "revoke" && op.ret !== Infinity && op.output?.found !== false &&
      !op.input.expiry
    ) {
      const prev = revoked.get(op.input.lease);
      if (!prev || op.ret < prev.ret) revoked.set(op.input.lease, op);
    }
  }
  for (const op of ops) {
    if (op.ret === Infinity) continue;
    const i = op.input;
    const lease = i.f === "put"
      ? leaseOf(i.lease)
      : i.f === "txn" && "put" in i.then && op.output?.succeeded
      ? leaseOf(i.then.lease)
      : "";
    const rv = lease ? revoked.get(lease) : undefined;
    if (rv && rv.ret < op.call) {
      out.push({ message: `${d(op)} succeeded after ${d(rv)} had returned`, ops: [rv.id, op.id] });
    }
  }
  return out;
}

function isSerializable(op: KvOp): boolean {
  return (op.input.f === "get" || op.input.f === "range") && op.input.serializable === true;
}
