/**
 * The types of the etcd3 npm package (npm:etcd3@1.1.2) that the public API
 * names: the client roles, subjects and faults are handed, its options, a
 * lease, and the transaction shapes. They are etcd3's own types under their
 * own names; a user's code can import them from here (through mod.ts) or
 * from etcd3 itself, and they are the same.
 *
 * Each carries `@internal` for one reason only: `deno doc --lint` follows a
 * public type into its package's declarations and would report etcd3's own
 * undocumented members as this package's faults. The tag stops that walk; the
 * types stay public and are documented by etcd3.
 *
 * @module
 */
import type * as etcd3 from "etcd3";

/**
 * An etcd3 client (etcd3's `Etcd3` class): KV, leases, watches, locks and
 * elections over one connection pool. Roles get one from
 * `NodeContext.client()`; faults and final reads get the runner's.
 *
 * @internal See the module doc: public, but documented by etcd3.
 */
export type Etcd3 = etcd3.Etcd3;

/**
 * etcd3's client options (hosts, credentials, call defaults, fault handling);
 * `NodeContext.client(extra)` takes a part of them.
 *
 * @internal See the module doc: public, but documented by etcd3.
 */
export type IOptions = etcd3.IOptions;

/**
 * etcd3's lease: granted with a TTL, kept alive until revoked or lost.
 *
 * @internal See the module doc: public, but documented by etcd3.
 */
export type Lease = etcd3.Lease;

/**
 * One operation of an etcd transaction as etcd3 sends it (a range, put,
 * delete or nested transaction request).
 *
 * @internal See the module doc: public, but documented by etcd3.
 */
export type IRequestOp = etcd3.IRequestOp;

/**
 * etcd's answer to a transaction as etcd3 returns it: whether the compare
 * held (`succeeded`), the header with the revision, and each op's response.
 *
 * @internal See the module doc: public, but documented by etcd3.
 */
export type ITxnResponse = etcd3.ITxnResponse;
