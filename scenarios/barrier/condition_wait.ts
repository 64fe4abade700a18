import type { Etcd3 } from "etcd3";
import { PrefixView } from "../../lib/recipes/prefix_view.ts";
import type { ViewEntry } from "../../lib/recipes/prefix_view.ts";
import type { WatchRecorder } from "../../lib/history/watch_record.ts";

/**
 * Revisions a wait could not see one by one: its watch's revisions were
 * compacted away after `after`, and it read the keys again at `resumedAt`.
 */
export interface WaitGap {
  after: number;
  resumedAt: number;
}

/** How a wait went: where it started and where the condition held (unset when stopped first). */
export interface ConditionWait {
  /** Revision of the read the wait started from (unset when stopped before any read). */
  start?: number;
  /** The first revision at or after `start` at which every required value held at once. */
  revision?: number;
  /** Revisions the wait could not see, reported rather than skipped silently. */
  gaps: WaitGap[];
}

/**
 * The "wait until all conditions hold" queue: reads the keys below `prefix`,
 * then applies every revision after it in order (a {@link PrefixView}) and
 * returns at the first revision at which `holds` is true of the keys as etcd
 * held them at that revision. A state that lasts a single revision counts:
 * the decision is taken at the event's revision, never on a later read.
 * `holds` gets the keys relative to `prefix`. Returns without `revision`
 * when `signal` aborts first. `record` records what the watches deliver.
 */
export async function waitCondition(
  client: Etcd3,
  prefix: string,
  holds: (keys: ReadonlyMap<string, ViewEntry>) => boolean,
  signal: AbortSignal,
  record?: WatchRecorder,
): Promise<ConditionWait> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal.addEventListener("abort", abort, { once: true });
  const out: ConditionWait = { gaps: [] };
  const view = new PrefixView(client, prefix, (_changes, revision, entries) => {
    if (out.revision !== undefined) return;
    out.start ??= revision;
    const keys = new Map([...entries].map(([k, v]) => [k.slice(prefix.length), v]));
    if (holds(keys)) {
      out.revision = revision;
      stop.abort();
    }
  });
  try {
    await view.run(stop.signal, {
      onResync: (after, resumedAt) => out.gaps.push({ after, resumedAt }),
      record,
    });
  } finally {
    signal.removeEventListener("abort", abort);
  }
  return out;
}
