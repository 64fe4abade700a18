import type { Etcd3 } from "etcd3";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/subjects/shape.ts";

/** What the counter read in the critical section saw. */
export interface CounterRead {
  value: number;
  modRevision: number;
}

/**
 * A lock implementation under test, as the contender loop drives it. Each
 * method returns a definite outcome or throws (the outcome is then unknown).
 */
export interface LockSubject {
  /** Blocks (or retries) until held; ok value `{ token }` where the subject has one. */
  acquire(): Promise<Outcome>;
  /** Writes `read.value + 1` to the counter, fenced or not as the subject does. */
  write(counterKey: string, read: CounterRead): Promise<Outcome>;
  release(): Promise<Outcome>;
  /** The lease a fault could revoke, if any (reported to the runner). */
  lease(): string | undefined;
}

/** Builds a subject for one node. */
export type LockSubjectFactory = (
  ctx: NodeContext,
  client: Etcd3,
  lockPrefix: string,
) => LockSubject;

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link LockSubjectFactory}. */
export const LOCK_SHAPE: SubjectShape = { factory: ["acquire", "write", "release", "lease"] };
