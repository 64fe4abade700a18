import { readKeyLog } from "../history/key_log.ts";
import { recordsWatches } from "../checks/watch_guarantees.ts";
import type { WatchLogSource } from "../checks/watch_guarantees.ts";
import type { RunContext } from "./run_context.ts";
import type { StartedRun } from "./started_run.ts";

/**
 * etcd's key log of the whole run prefix, for the watch-guarantees check:
 * read in the final phase (after the nodes stopped, before the run's keys
 * go) and only when some node recorded what its watches delivered.
 * Undefined when none did; `{ error }` when the read failed.
 */
export async function readWatchLog(
  run: RunContext,
  s: StartedRun,
): Promise<WatchLogSource | undefined> {
  if (!recordsWatches(run.history.events)) return undefined;
  try {
    return await readKeyLog(s.admin, run.prefix, { timeoutMs: 20_000 });
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
