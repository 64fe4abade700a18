/**
 * The types of the etcd3 npm package (npm:etcd3@1.1.2) that the public API
 * names: the client roles, subjects and faults are handed, its options, a
 * lease, and the transaction shapes. Each is etcd3's own type under its own
 * name (an alias, not a copy): a user's code may import it from here, through
 * mod.ts, or from etcd3 itself, and it is the same type.
 *
 * Why aliases and not `export type { Etcd3 } from "etcd3"`: `deno doc --lint`
 * follows a re-exported type into its package's declarations and reports
 * etcd3's own undocumented members as this package's; it does not follow a
 * name qualified through a namespace import (`etcd3.Etcd3`), so these aliases
 * keep the lint to this package's code. test/unit/package_test.ts notices if
 * that changes.
 *
 * @module
 */
import type * as etcd3 from "etcd3";

/**
 * An etcd3 client (etcd3's `Etcd3` class): KV, leases, watches, locks and
 * elections over one connection pool. Roles get one from
 * `NodeContext.client()`; faults and final reads get the runner's.
 */
export type Etcd3 = etcd3.Etcd3;

/**
 * etcd3's client options (hosts, credentials, call defaults, fault handling);
 * `NodeContext.client(extra)` takes a part of them.
 */
export type IOptions = etcd3.IOptions;

/** etcd3's lease: granted with a TTL, kept alive until revoked or lost. */
export type Lease = etcd3.Lease;

/**
 * One operation of an etcd transaction as etcd3 sends it (a range, put,
 * delete or nested transaction request).
 */
export type IRequestOp = etcd3.IRequestOp;

/**
 * etcd's answer to a transaction as etcd3 returns it: whether the compare
 * held (`succeeded`), the header with the revision, and each op's response.
 */
export type ITxnResponse = etcd3.ITxnResponse;
