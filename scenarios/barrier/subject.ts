import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SessionSource } from "./double_barrier_recipe.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";

/** Where a subject's keys live. */
export interface BarrierKeys {
  /** Condition keys: `<conditions><name>`. */
  conditions: string;
  /** Double barrier: one sub-prefix per round. */
  barrier: string;
}

/**
 * A barrier implementation under test, as the roles drive it: waiters call
 * `waitCondition` again and again; participants `enter` a round, work, and
 * `leave` it. Each method returns a definite outcome (`ok`: it happened;
 * `fail`: it surely did not) or throws: the operation is then recorded as
 * unknown (`info`, the message in the node's log) and the role goes on
 * (a participant enters the same round again; entering is idempotent).
 */
export interface BarrierSubject {
  /**
   * Waits until every condition key holds its required value; ok value
   * `{ start, gaps }` (the revision it started from, revisions it could not
   * see), ok revision: where it saw the condition hold. `fail("stopped", { start })`
   * when the node is stopped first.
   */
  waitCondition(required: Record<string, string>): Promise<Outcome>;
  /**
   * Enters round `round` of the double barrier, blocking until every
   * participant has entered. `ok` once in, revision: the look (read or watch
   * event) that showed everyone in; `fail` when stopped first.
   */
  enter(round: number): Promise<Outcome>;
  /**
   * Leaves round `round`, blocking until every participant has left. `ok`
   * once out, revision: the look that showed everyone gone; `fail` or a
   * throw and the role calls `leave` again.
   */
  leave(round: number): Promise<Outcome>;
  /** The lease its keys are under now, if any: reported so `kill-lease` can revoke it. */
  lease(): string | undefined;
}

/** What a subject needs besides the context: a client, the keys, the participant count, a session. */
export interface BarrierSubjectOptions {
  /** The node's etcd client (`ctx.client()`). */
  client: Etcd3;
  /** Where the subject's keys live. */
  keys: BarrierKeys;
  /** How many participants the double barrier waits for. */
  participants: number;
  /** The node's live session, with a new one when the last was lost. */
  session: SessionSource;
}

/** Builds a subject for one node. */
export type BarrierSubjectFactory = (ctx: NodeContext, o: BarrierSubjectOptions) => BarrierSubject;

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link BarrierSubjectFactory}. */
export const BARRIER_SHAPE: SubjectShape = {
  factory: ["waitCondition", "enter", "leave", "lease"],
};
