import type { Fault } from "../lib/faults/fault.ts";
import { memberNames } from "./member_targets.ts";

/** How long each of the two calls may take; a minority member would otherwise hang them. */
const CALL_MS = 3000;

/**
 * Compact the keyspace to the current revision (the one up to which the run
 * has just kept its record of its keys, see `World.keepRecord`): watchers and
 * readers of older revisions get "compacted" errors from then on. It changes data, not
 * membership, so it needs no claim on the members and never refuses; under
 * a member fault it may fail, which its detail records. Nothing to heal.
 */
export const compact: Fault = {
  name: "compact",
  description:
    "compact the keyspace to the current revision (old revisions are gone); nothing to heal",
  side: "member",
  apiOnly: true,
  holdMs: () => [0, 0],
  async start(world) {
    const deadline = () => ({ deadline: new Date(Date.now() + CALL_MS) });
    let revision: string;
    try {
      // The revision up to which the run kept its record of its keys: the checkers still judge
      // what came before. Without that record, the current revision.
      const kept = await world.keepRecord?.().catch(() => undefined);
      revision = kept !== undefined
        ? String(kept)
        : (await world.admin.get("etcd-drills/compact").options(deadline()).exec()).header.revision;
    } catch {
      return undefined; // no linearizable read now: nothing known to compact to
    }
    const at = world.now();
    const detail: Record<string, unknown> = { revision: Number(revision) };
    try {
      await world.admin.kv.compact({ revision, physical: true }, deadline());
      detail.compacted = true;
    } catch (e) {
      // E.g. nothing was written since the last compaction, or no quorum right now.
      detail.compacted = false;
      detail.error = e instanceof Error ? e.message : String(e);
    }
    return {
      at,
      // Compaction goes through raft: every member's keyspace is compacted.
      targets: memberNames(world),
      detail,
      heal: () => Promise.resolve(),
    };
  },
};
