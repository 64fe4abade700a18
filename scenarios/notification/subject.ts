import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";

/** A job's state as its key holds it. */
export interface JobState {
  /** The job's number (its key is {@link jobKey}). */
  job: number;
  /** How far along it is, 0 to 100. */
  progress: number;
  /** Whether it has completed. */
  done: boolean;
}

/** The key of job `k` (zero-padded so keys sort in job order). */
export const jobKey = (prefix: string, k: number): string =>
  `${prefix}jobs/${String(k).padStart(5, "0")}`;

/** Parses a job key's value; null when it is not a job state. */
export function parseJob(value: Buffer | string): JobState | null {
  try {
    const v = JSON.parse(value.toString());
    return typeof v?.job === "number" && typeof v?.progress === "number"
      ? { job: v.job, progress: v.progress, done: v.done === true }
      : null;
  } catch {
    return null;
  }
}

/**
 * Records one state a watcher saw (an `observe` operation, revision the
 * key's mod revision); the subject calls it for every state it sees.
 */
export type Observe = (state: JobState, modRevision: number) => Promise<void>;

/** How a watcher waits for a job's completion: the implementation under test. */
export interface NotificationSubject {
  /**
   * Resolves `ok` once job `k` is seen done (calling `observe` for every
   * state seen on the way, with the key's mod revision: each is an ok
   * `observe` operation); value and revision, where known, those of the done
   * state. `fail` when `signal` aborts first. A throw (etcd unreachable) is
   * an unknown `wait`; the role waits for the same job again.
   */
  waitDone(k: number, signal: AbortSignal, observe: Observe): Promise<Outcome>;
}

/** Builds a subject for one watcher node. */
export type NotificationSubjectFactory = (
  ctx: NodeContext,
  client: Etcd3,
  prefix: string,
) => NotificationSubject;

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link NotificationSubjectFactory}. */
export const NOTIFICATION_SHAPE: SubjectShape = { factory: ["waitDone"] };
