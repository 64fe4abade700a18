import type { Fault } from "../lib/faults/fault.ts";
import { controlOf, HEAL_READY_MS, memberNames } from "./member_targets.ts";
import { highestRevision, markHealed, readyForDisaster } from "./disaster_steps.ts";
import type { SnapshotInfo } from "../lib/cluster/snapshot.ts";

/**
 * Roll the cluster back to a backup, as an operator restores one after a
 * disaster: at the start a snapshot is saved from one member (drawn from
 * the seed; etcdctl snapshot save) while the workload goes on; at the heal
 * every member stops (SIGKILL, as etcd's functional tester stops them before
 * its restore; their data is replaced anyway), each is restored from that snapshot into a
 * fresh data dir (etcdctl snapshot restore, with its name, the initial
 * cluster and its peer URL) and the restored cluster starts on the same
 * URLs. Every write after the snapshot is gone and the revision goes back
 * (etcd 3.4.23 has no `--bump-revision`): a watcher resuming from its last
 * revision waits for revisions that come again with other writes, a fencing
 * token can be from the future. It holds the whole member side. Start
 * detail: the member and the snapshot's revision; stop detail:
 * `snapshotRevision`, `revisionBefore` (the highest any member had just
 * before the stop), `revisionAfter` (once the restored cluster serves) and
 * the steps with their times. Where the cluster kind cannot save or restore
 * snapshots, the fault is never started (saveSnapshot/restoreAll absent).
 * Until the checks understand a rollback it runs only when named:
 * `--faults all` leaves it out.
 */
export const restoreSnapshot: Fault = {
  name: "restore-snapshot",
  description:
    "snapshot one member; after 1–2 × TTL stop all, restore every member from it (the revision goes back; not in all)",
  side: "member",
  namedOnly: true,
  holdMs: (ttl) => [ttl, 2 * ttl],
  async start(world, random) {
    if (!await readyForDisaster(world)) return undefined;
    const control = controlOf(world);
    if (!control.saveSnapshot || !control.restoreAll) return undefined;
    const names = memberNames(world);
    for (const m of names) world.busyMembers.add(m);
    const release = () => {
      for (const m of names) world.busyMembers.delete(m);
    };
    const member = names[Math.floor(random() * names.length)];
    const at = world.now();
    let snapshot: SnapshotInfo;
    try {
      snapshot = await control.saveSnapshot(member);
    } catch {
      release(); // e.g. the member does not answer now: nothing to restore later
      return undefined;
    }
    return {
      at,
      targets: names,
      detail: { member, snapshotRevision: snapshot.revision, savedAt: world.now() },
      heal: async () => {
        try {
          const steps: { step: string; at: number }[] = [];
          const revisionBefore = await highestRevision(world);
          steps.push({ step: "stop every member (SIGKILL)", at: world.now() });
          await control.restoreAll!(snapshot);
          steps.push({
            step: "restored each member from the snapshot into a fresh data dir; started",
            at: world.now(),
          });
          await world.cluster.waitReady(HEAL_READY_MS);
          steps.push({ step: "every member serves", at: world.now() });
          const revisionAfter = await highestRevision(world);
          return {
            member,
            snapshotRevision: snapshot.revision,
            revisionBefore,
            revisionAfter,
            ...(revisionBefore !== undefined
              ? { revisionsLost: revisionBefore - snapshot.revision }
              : {}),
            steps,
          };
        } finally {
          markHealed(world);
          release();
        }
      },
    };
  },
};
