import type { Etcd3, ITxnResponse } from "../../lib/cluster/etcd3_types.ts";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { OpSource } from "../../lib/recipes/atomic.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";

/** A leader as an observer saw it: the candidate's identity and its key's create revision when known. */
export interface SeenLeader {
  /** The leader's identity (its value in the leader key: `node#incarnation`). */
  identity: string;
  /** Its leader key's create revision, where known: the fencing token. */
  token?: number;
}

/**
 * An election implementation under test, as the roles drive it: candidates
 * `campaign`, do a term of leader-only `write`s, `resign`, again; observers
 * `observe`. Methods return a definite outcome (`ok`: it happened; `fail`:
 * it surely did not) or throw: the operation is then recorded as unknown
 * (`info`, the message in the node's log) and the role goes on.
 */
export interface ElectionSubject {
  /**
   * Campaigns until this node leads; ok value `{ identity, token }` (token:
   * the leader key's create revision, where the subject knows it), ok
   * revision: where it believes it became leader. `fail` when it surely
   * does not lead (stopped, gave up); the role campaigns again 100 ms later.
   */
  campaign(): Promise<Outcome>;
  /**
   * Runs a leader-only write as the subject guards it: `ops` only while it
   * leads (fenced) or unconditionally; `look` runs next to them in the same
   * transaction, in either branch, and comes last in the responses. The
   * role reads `succeeded` (applied: an ok write; not applied: a fail, the
   * term ends) and the header's revision from the response; a throw is an
   * unknown write.
   */
  write(ops: OpSource[], look: OpSource): Promise<ITxnResponse>;
  /**
   * Gives up leadership: deletes its key, fenced where the subject fences.
   * `ok` once resigned, revision the delete's; `fail` when it no longer
   * leads (nothing deleted).
   */
  resign(): Promise<Outcome>;
  /**
   * Follows the leader until `signal` aborts, calling `seen` on every change
   * (null: no leader) with the revision it saw it at, where known; each call
   * is recorded as an ok `observe`. Resolve when stopped.
   */
  observe(
    seen: (leader: SeenLeader | null, revision?: number) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** The lease its candidate key is under now, if any: reported so `kill-lease` can revoke it. */
  lease(): string | undefined;
}

/** What a subject needs besides the context. */
export interface ElectionSubjectOptions {
  /** The node's etcd client (`ctx.client()`). */
  client: Etcd3;
  /** Every election key lives below this. */
  prefix: string;
  /** This candidate's value in its key: `node#incarnation`. */
  identity: string;
}

/** Builds a subject for one node. */
export type ElectionSubjectFactory = (
  ctx: NodeContext,
  o: ElectionSubjectOptions,
) => ElectionSubject;

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link ElectionSubjectFactory}. */
export const ELECTION_SHAPE: SubjectShape = {
  factory: ["campaign", "write", "resign", "observe", "lease"],
};
