import type { Etcd3 } from "etcd3";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SessionSource } from "../../lib/recipes/double_barrier.ts";
import type { SubjectShape } from "../../lib/subjects/shape.ts";

/** Where a subject's keys live. */
export interface BarrierKeys {
  /** Condition keys: `<conditions><name>`. */
  conditions: string;
  /** Double barrier: one sub-prefix per round. */
  barrier: string;
}

/**
 * A barrier implementation under test, as the roles drive it. Each method
 * returns a definite outcome or throws (the outcome is then unknown).
 */
export interface BarrierSubject {
  /**
   * Waits until every condition key holds its required value; ok value
   * `{ start, gaps }` (the revision it started from, revisions it could not
   * see), ok revision: where it saw the condition hold. `fail("stopped", { start })`
   * when the node is stopped first.
   */
  waitCondition(required: Record<string, string>): Promise<Outcome>;
  /** Enters round `round` of the double barrier; ok revision: the look that let it in. */
  enter(round: number): Promise<Outcome>;
  /** Leaves round `round`; ok revision: the look that showed everyone gone. */
  leave(round: number): Promise<Outcome>;
  /** The lease a fault could revoke, if any. */
  lease(): string | undefined;
}

/** What a subject needs besides the context: a client, the keys, the participant count, a session. */
export interface BarrierSubjectOptions {
  client: Etcd3;
  keys: BarrierKeys;
  participants: number;
  session: SessionSource;
}

/** Builds a subject for one node. */
export type BarrierSubjectFactory = (ctx: NodeContext, o: BarrierSubjectOptions) => BarrierSubject;

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link BarrierSubjectFactory}. */
export const BARRIER_SHAPE: SubjectShape = {
  factory: ["waitCondition", "enter", "leave", "lease"],
};
