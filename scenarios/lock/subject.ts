import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";

/** What the counter read in the critical section saw. */
export interface CounterRead {
  /** The counter's value. */
  value: number;
  /** The counter key's mod revision when read. */
  modRevision: number;
}

/**
 * A lock implementation under test, as the contender loop drives it:
 * `acquire`, read the counter (the role reads it), `write`, `release`, again.
 *
 * Every method returns a definite {@link Outcome} (`ok(value, revision)`: it
 * happened; `fail(error)`: it surely did not and will not) or throws: a
 * throw records the operation as unknown (`info`, the message in the node's
 * log) and the loop goes on. Throw whenever you cannot tell (a timeout, a
 * lost connection); a `fail` that did happen is a lie the checks may catch.
 */
export interface LockSubject {
  /**
   * Blocks (or retries) until this node holds the lock. `ok` once held, value
   * `{ token }` where the lock has a fencing token (the lock key's create
   * revision), revision: the one at which it was granted. `fail` when it
   * surely does not hold it (given up, stopped: `ctx.signal` aborted); the
   * role then sleeps 100 ms and calls `acquire` again.
   */
  acquire(): Promise<Outcome>;
  /**
   * The critical section's write: puts `read.value + 1` (as a decimal
   * string) to `counterKey`, fenced or not as the subject does. `ok` when
   * written, value `{ from: read.value, to, readModRevision: read.modRevision,
   * token }`, revision: the write's own (required: a write without one is not
   * judged). `fail` when a fence refused it (nothing written). The
   * `resource-safety` check judges every `ok` write against the others.
   */
  write(counterKey: string, read: CounterRead): Promise<Outcome>;
  /**
   * Releases the lock (also when it was already lost). `ok` once released;
   * revision, where known, the delete's. Called after every `acquire` that
   * was `ok`, whether the write was or not.
   */
  release(): Promise<Outcome>;
  /** The lease its lock key is under now, if any: reported to the runner so `kill-lease` can revoke it. */
  lease(): string | undefined;
}

/**
 * Builds the subject of one node incarnation: `client` reaches etcd through
 * the node's proxies (node faults act on it), `lockPrefix` is where the
 * lock's keys live (the counter is elsewhere), `ctx.ttl` the lease TTL in
 * seconds, `ctx.signal` aborts when the node stops.
 */
export type LockSubjectFactory = (
  ctx: NodeContext,
  client: Etcd3,
  lockPrefix: string,
) => LockSubject;

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link LockSubjectFactory}. */
export const LOCK_SHAPE: SubjectShape = { factory: ["acquire", "write", "release", "lease"] };
