import type { Fault, World } from "../lib/faults/fault.ts";
import { membersFree } from "./members_free.ts";
import { HEAL_READY_MS, memberNames } from "./member_targets.ts";
import { linearizableRead } from "../lib/cluster/gateway.ts";
import type { Cluster } from "../lib/cluster/cluster.ts";
import {
  alarms,
  backendSize,
  defragment,
  disarm,
  memberClient,
} from "../lib/cluster/maintenance.ts";

/**
 * The backend quota members run with when a run may draw `nospace`
 * (`--quota-backend-bytes`): small enough to fill in a second or two, far
 * above what any scenario's workload writes in a run.
 */
export const NOSPACE_QUOTA_BYTES = 16 * 1024 * 1024;

/** The key the fault fills the backend with: overwritten, so a compaction frees all but one value. */
const FILL_KEY = "etcd-drills/nospace";
/** Each filling put's value size (etcd takes requests up to 1.5 MiB). */
const CHUNK_BYTES = 512 * 1024;
/** How long filling may take before the fault gives up (and records that the alarm did not come). */
const FILL_MS = 30_000;
const CALL_MS = 5000;

/**
 * Fill the backend until etcd raises its NOSPACE alarm and refuses writes
 * ("database space exceeded"), as a runaway writer does to a cluster with a
 * space quota. It needs the members to run with a small quota
 * ({@link NOSPACE_QUOTA_BYTES}; the CLI sets it when a run may draw this
 * fault) and skips itself on a cluster without one. It holds the whole
 * member side; its targets are every member and every node (the alarm
 * refuses every node's writes, so checkers excuse what that causes on them,
 * as they do a fault on the node). The heal is what an operator does: delete the junk, compact
 * the keyspace, defragment every member, disarm the alarm; the stop event's
 * detail has each step with its time (and `compacted`, `revision` and
 * `compactedAt`, which checkers read as they read the `compact` fault's).
 */
export const nospace: Fault = {
  name: "nospace",
  description:
    "fill the backend until the NOSPACE alarm refuses writes; heal: compact, defragment every member, disarm",
  side: "member",
  holdMs: (ttl) => [ttl, 2 * ttl],
  async start(world) {
    const quota = world.cluster.quotaBackendBytes;
    if (!quota || quota > 4 * NOSPACE_QUOTA_BYTES) return undefined;
    if (!await membersFree(world)) return undefined;
    const names = memberNames(world);
    for (const m of names) world.busyMembers.add(m);
    const release = () => {
      for (const m of names) world.busyMembers.delete(m);
    };
    const via = await servingMember(world.cluster);
    if (!via) {
      release(); // no member serves now: nothing to fill through
      return undefined;
    }
    // The run's record now, while writes are allowed: the heal's keep (while they are refused)
    // ends its own record by deleting the end marker this one leaves.
    await world.keepRecord?.().catch(() => undefined);
    const at = world.now();
    const detail: Record<string, unknown> = { quotaBytes: quota, via };
    const client = memberClient(world.cluster, via);
    try {
      const value = "x".repeat(CHUNK_BYTES);
      const deadline = Date.now() + FILL_MS;
      const maxPuts = Math.ceil((2 * quota) / CHUNK_BYTES) + 20;
      let puts = 0;
      while (puts < maxPuts && Date.now() < deadline) {
        try {
          await client.put(FILL_KEY).value(value).options({
            deadline: new Date(Date.now() + CALL_MS),
          }).exec();
          puts++;
        } catch (e) {
          const msg = (e instanceof Error ? e.message : String(e)).split("\n")[0];
          if (/database space exceeded/i.test(msg)) {
            detail.refused = msg;
            detail.refusedAt = world.now();
            break;
          }
          detail.lastError = msg; // e.g. a timeout: try again until the bounds
        }
      }
      detail.puts = puts;
      detail.alarms = (await alarms(world.cluster, names[0]).catch(() => [])).map((a) => a.alarm);
      detail.filled = detail.refused !== undefined;
    } finally {
      client.close();
    }
    return {
      at,
      // NOSPACE refuses every client's writes: it hits every node as well as every member.
      targets: [...names, ...world.nodes.map((n) => n.id)],
      detail,
      heal: async () => {
        try {
          return await recover(world, names);
        } finally {
          release();
        }
      },
    };
  },
};

/** The first member that serves a linearizable read within a second, if any. */
async function servingMember(cluster: Cluster): Promise<string | undefined> {
  for (const m of cluster.members) {
    try {
      await linearizableRead(m.clientUrl, 1000);
      return m.name;
    } catch { /* the next one */ }
  }
  return undefined;
}

/**
 * The operator's recovery from NOSPACE, each step recorded with its time;
 * before it compacts, the run keeps its record of the keys (as before `compact`).
 */
async function recover(world: World, names: string[]): Promise<Record<string, unknown>> {
  const { cluster } = world;
  const now = () => world.now();
  const steps: Record<string, unknown>[] = [];
  const client = memberClient(cluster, (await servingMember(cluster)) ?? names[0]);
  let revision: number;
  let compactedAt: number;
  try {
    const opts = () => ({ deadline: new Date(Date.now() + CALL_MS) });
    const del = await client.delete().key(FILL_KEY).options(opts()).exec();
    steps.push({ step: "delete the filler key", at: now() });
    // Compact to where the kept record ends (after the delete), so it and etcd's part meet.
    const kept = await world.keepRecord?.({ writesRefused: true }).catch(() => undefined);
    if (kept !== undefined) {
      steps.push({ step: "keep the run's record", revision: kept, at: now() });
    }
    revision = kept ?? Number(del.header.revision);
    await client.kv.compact({ revision: String(revision), physical: true }, opts());
    compactedAt = now();
    steps.push({ step: "compact", revision, at: compactedAt });
  } finally {
    client.close();
  }
  for (const member of names) {
    const before = (await backendSize(cluster, member)).dbSize;
    await defragment(cluster, member);
    const after = (await backendSize(cluster, member)).dbSize;
    steps.push({ step: "defragment", member, dbSizeBefore: before, dbSizeAfter: after, at: now() });
  }
  const raised = await alarms(cluster, names[0]);
  for (const a of raised) await disarm(cluster, names[0], a);
  steps.push({ step: "alarm disarm", disarmed: raised.map((a) => a.alarm), at: now() });
  const left = await alarms(cluster, names[0]);
  await cluster.waitReady(HEAL_READY_MS);
  return { compacted: true, revision, compactedAt, alarmsLeft: left.map((a) => a.alarm), steps };
}
