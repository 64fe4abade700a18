/**
 * The operations of the `kv` scenario as the checker reads them: what a node
 * asked etcd (the invocation's value) and what etcd answered (the
 * completion's value and the response header's revision). README.md in this
 * folder lists them with their value shapes.
 */

/** A key as etcd returns it. `lease` is the lease id as a decimal string ("0" or absent: none). */
export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  lease?: string;
}

/** What a txn compares its key with: its value, or its mod revision (0 for a missing key). */
export type TxnCompare = { value: string } | { modRevision: number };

/** What a txn does when its compare holds; otherwise it gets the key. */
export type TxnThen = { put: string; lease?: string } | { delete: true };

/** A kv operation's request. */
export type KvInput =
  | {
    f: "get";
    key: string;
    serializable?: boolean;
    /** Set by the checker on a range's per-key part: the range's prefix. */
    range?: string;
  }
  | { f: "range"; prefix: string; serializable?: boolean }
  | { f: "put"; key: string; value: string; lease?: string }
  | { f: "delete"; key: string }
  | { f: "txn"; key: string; compare: TxnCompare; then: TxnThen }
  | { f: "grant"; ttl: number }
  | {
    f: "revoke";
    lease: string;
    /** Set by the checker on the expiry it assumes possible after a grant's TTL. */
    expiry?: boolean;
  };

/** A kv operation's answer; `revision` is the response header's revision. */
export interface KvOutput {
  revision?: number;
  /** get (and a range's per-key part); a txn's else branch. `null`: no such key. */
  kv?: KeyValue | null;
  /** range. */
  kvs?: KeyValue[];
  /** delete; a txn whose then-branch deletes. */
  deleted?: number;
  /** txn: whether the compare held. */
  succeeded?: boolean;
  /** grant: the lease's id and granted TTL (seconds). */
  lease?: string;
  ttl?: number;
  /** revoke: false when etcd answered "lease not found". */
  found?: boolean;
}

/** The lease id etcd means by "no lease". */
export function leaseOf(id: string | undefined): string {
  return id === undefined || id === "0" ? "" : id;
}
