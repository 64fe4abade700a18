/**
 * A kv subject on etcd3's gRPC stubs (`client.kv`, `client.lease`): every request is exactly one
 * RPC and every answer carries etcd's own header revision. Whether a lost answer is sent again is
 * the client's business: `reference` gives it the harness's client (no retries), `etcd3` one with
 * etcd3's default fault handling.
 */
import { CompareResult, CompareTarget, Range } from "etcd3";
import { Buffer } from "node:buffer";
import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import { fail, ok } from "../../lib/node/context.ts";
import type { Outcome } from "../../lib/node/context.ts";
import type { KeyValue } from "../../lib/linearizability/kv_types.ts";
import type { KvRequest, KvSubject } from "./subject.ts";

/** A key or value as the stubs take it. */
const b = (s: string) => Buffer.from(s);

/** etcd's int64 fields arrive as strings; a lease id stays one (a JS number would round it). */
const n = (x: string | number) => Number(x);

interface RawKv {
  key: Uint8Array | string;
  value: Uint8Array | string;
  create_revision: string;
  mod_revision: string;
  version: string;
  lease: string;
}

function keyValue(kv: RawKv): KeyValue {
  const lease = String(kv.lease);
  return {
    key: kv.key.toString(),
    value: kv.value.toString(),
    createRevision: n(kv.create_revision),
    modRevision: n(kv.mod_revision),
    version: n(kv.version),
    ...(lease !== "0" ? { lease } : {}),
  };
}

/** etcd refused the request before applying it: it surely did not happen. */
function refused(e: unknown): boolean {
  const err = e as Error | undefined;
  return err?.name === "EtcdLeaseInvalidError" ||
    /requested lease not found/.test(err?.message ?? "");
}

/** The subject over `client`. */
export function rawKvSubject(client: Etcd3): KvSubject {
  const execute = async (r: KvRequest): Promise<Outcome> => {
    switch (r.f) {
      case "get": {
        const res = await client.kv.range({ key: b(r.key), serializable: r.serializable === true });
        const kv = res.kvs[0] as RawKv | undefined;
        return ok({ kv: kv ? keyValue(kv) : null }, res.header.revision);
      }
      case "range": {
        const range = Range.prefix(r.prefix);
        const res = await client.kv.range({
          key: range.start,
          range_end: range.end,
          serializable: r.serializable === true,
        });
        return ok((res.kvs as RawKv[]).map(keyValue), res.header.revision);
      }
      case "put": {
        const res = await client.kv.put({
          key: b(r.key),
          value: b(r.value),
          lease: r.lease ?? "0",
        });
        return ok({}, res.header.revision);
      }
      case "delete": {
        const res = await client.kv.deleteRange({ key: b(r.key) });
        return ok({ deleted: n(res.deleted) }, res.header.revision);
      }
      case "txn": {
        const compare = "value" in r.compare
          ? {
            key: b(r.key),
            target: CompareTarget.Value,
            result: CompareResult.Equal,
            value: b(r.compare.value),
          }
          : {
            key: b(r.key),
            target: CompareTarget.Mod,
            result: CompareResult.Equal,
            mod_revision: String(r.compare.modRevision),
          };
        const then = "put" in r.then
          ? { request_put: { key: b(r.key), value: b(r.then.put), lease: r.then.lease ?? "0" } }
          : { request_delete_range: { key: b(r.key) } };
        const res = await client.kv.txn({
          compare: [compare],
          success: [then],
          failure: [{ request_range: { key: b(r.key) } }],
        });
        if (res.succeeded) {
          const deleted = res.responses[0]?.response_delete_range?.deleted;
          return ok(
            { succeeded: true, ...(deleted !== undefined ? { deleted: n(deleted) } : {}) },
            res.header.revision,
          );
        }
        const kv = res.responses[0]?.response_range?.kvs?.[0] as RawKv | undefined;
        return ok({ succeeded: false, kv: kv ? keyValue(kv) : null }, res.header.revision);
      }
      case "grant": {
        const res = await client.leaseClient.leaseGrant({ TTL: r.ttl });
        return ok({ lease: String(res.ID), ttl: n(res.TTL) }, res.header.revision);
      }
      case "revoke": {
        try {
          const res = await client.leaseClient.leaseRevoke({ ID: r.lease });
          return ok({}, res.header.revision);
        } catch (e) {
          // etcd answered: no such lease (revoked, or expired). Nothing changed.
          if (refused(e)) return ok({ found: false });
          throw e;
        }
      }
    }
  };
  return {
    async execute(r) {
      try {
        return await execute(r);
      } catch (e) {
        if (refused(e) && r.f !== "revoke") {
          return fail(`${(e as Error).name}: ${(e as Error).message}`);
        }
        throw e; // unknown: it may have happened
      }
    },
  };
}
