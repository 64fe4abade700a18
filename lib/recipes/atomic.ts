import type { Etcd3, IRequestOp, ITxnResponse } from "../cluster/etcd3_types.ts";

/** Something that yields a transaction operation: an etcd3 builder (`client.put(...)`, `client.getAll()...`) or a raw op. */
export type OpSource = { op(): Promise<IRequestOp> } | IRequestOp;

/**
 * Runs operations in one unconditional transaction, so they apply at one
 * revision: a write and a read next to it see the same state. etcd3's
 * `client.if(...)` always needs a comparison; this needs none.
 */
export async function atomic(client: Etcd3, ...ops: OpSource[]): Promise<ITxnResponse> {
  const success = await Promise.all(ops.map((o) => "op" in o ? o.op() : o));
  return client.kv.txn({ compare: [], success, failure: [] });
}

/** The same operations as {@link atomic}, as a raw op list (for the branches of a guarded transaction). */
export function opsOf(...ops: OpSource[]): Promise<IRequestOp[]> {
  return Promise.all(ops.map((o) => "op" in o ? o.op() : o));
}

/** A range op counting the keys below `prefix` (no values). */
export async function countOp(client: Etcd3, prefix: string): Promise<IRequestOp> {
  const op = await client.getAll().prefix(prefix).op();
  op.request_range!.count_only = true;
  return op;
}
