/**
 * Operator actions on one member or the whole cluster through etcd's
 * maintenance API (no member control needed): defragment, alarms, backend
 * size. Each call goes through a client pinned to one member, bounded by a
 * deadline, without the client's retries (an operator sees what failed).
 */
import { Etcd3 } from "etcd3";
import type { IAlarmMember } from "etcd3";
import { noop } from "cockatiel";
import type { Cluster } from "./cluster.ts";
import { clientOptions, dialHosts } from "./connect.ts";

/** A client pinned to one member of `cluster`; close it after use. */
export function memberClient(cluster: Cluster, name: string): Etcd3 {
  const member = cluster.members.find((m) => m.name === name);
  if (!member) throw new Error(`no member ${name}`);
  return new Etcd3({
    hosts: dialHosts([member.clientUrl], cluster.access),
    ...clientOptions(cluster.access),
    faultHandling: { global: noop, host: () => noop },
  });
}

async function withMember<T>(cluster: Cluster, name: string, fn: (c: Etcd3) => Promise<T>) {
  const client = memberClient(cluster, name);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

const deadline = (ms: number) => ({ deadline: new Date(Date.now() + ms) });

/** One member's backend size: physically allocated and logically in use, bytes. */
export function backendSize(
  cluster: Cluster,
  name: string,
  timeoutMs = 2000,
): Promise<{ dbSize: number; dbSizeInUse: number }> {
  return withMember(cluster, name, async (c) => {
    const s = await c.maintenance.status(deadline(timeoutMs));
    return { dbSize: Number(s.dbSize), dbSizeInUse: Number(s.dbSizeInUse) };
  });
}

/** Defragments one member's backend (the member stalls while it runs); resolves when done. */
export async function defragment(cluster: Cluster, name: string, timeoutMs = 10_000) {
  await withMember(cluster, name, (c) => c.maintenance.defragment(deadline(timeoutMs)));
}

/** The alarms raised on the cluster (any member answers for all). */
export function alarms(cluster: Cluster, name: string, timeoutMs = 2000): Promise<IAlarmMember[]> {
  return withMember(cluster, name, async (c) => {
    const r = await c.maintenance.alarm({ action: "Get", alarm: "None" }, deadline(timeoutMs));
    return r.alarms ?? [];
  });
}

/** Disarms one raised alarm, as `etcdctl alarm disarm` does. */
export async function disarm(
  cluster: Cluster,
  name: string,
  alarm: IAlarmMember,
  timeoutMs = 2000,
): Promise<void> {
  await withMember(cluster, name, (c) =>
    c.maintenance.alarm(
      { action: "Deactivate", memberID: alarm.memberID, alarm: alarm.alarm },
      deadline(timeoutMs),
    ));
}

/**
 * Settles the members' backends after some caught up, as an operator
 * would: a fresh or restarted member replays the raft log into its own
 * backend, which ends larger than the others' (nothing defragmented it) and
 * on a small space quota raises NOSPACE again at its next write, though
 * the cluster was healed. Defragments every member whose backend takes more
 * than half the quota, then disarms any raised alarm (defragmenting every
 * member first if none was large). Resolves with what it did, or undefined
 * when there was nothing to do.
 */
export async function settleBackends(
  cluster: Cluster,
  now: () => number,
): Promise<Record<string, unknown> | undefined> {
  const names = cluster.members.map((m) => m.name);
  const quota = cluster.quotaBackendBytes;
  const defragmented: { member: string; dbSizeBefore: number; dbSizeAfter: number }[] = [];
  const defrag = async (member: string, before: number) => {
    await defragment(cluster, member);
    defragmented.push({
      member,
      dbSizeBefore: before,
      dbSizeAfter: (await backendSize(cluster, member)).dbSize,
    });
  };
  if (quota) {
    for (const member of names) {
      const { dbSize } = await backendSize(cluster, member);
      if (dbSize > quota / 2) await defrag(member, dbSize);
    }
  }
  const raised = await alarms(cluster, names[0]);
  if (raised.length > 0 && defragmented.length === 0) {
    for (const member of names) await defrag(member, (await backendSize(cluster, member)).dbSize);
  }
  for (const a of raised) await disarm(cluster, names[0], a);
  if (defragmented.length === 0 && raised.length === 0) return undefined;
  return {
    step: "settle backends after catch-up: defragment large ones, disarm raised alarms",
    defragmented,
    disarmed: raised.map((a) => a.alarm),
    at: now(),
  };
}
