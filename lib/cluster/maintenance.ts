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
import { clientOptions } from "./connect.ts";

/** A client pinned to one member of `cluster`; close it after use. */
export function memberClient(cluster: Cluster, name: string): Etcd3 {
  const member = cluster.members.find((m) => m.name === name);
  if (!member) throw new Error(`no member ${name}`);
  return new Etcd3({
    hosts: [member.clientUrl],
    ...clientOptions(cluster.clientConnect),
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
 * Clears alarms raised while members caught up after a heal, as an operator
 * would: a fresh or restarted member replays the raft log into its own
 * backend, which may cross the space quota and raise NOSPACE again though
 * the cluster was healed. Defragments every member, then disarms each
 * alarm. Resolves with what it did, or undefined when no alarm was raised.
 */
export async function clearRaisedAlarms(
  cluster: Cluster,
  now: () => number,
): Promise<Record<string, unknown> | undefined> {
  const names = cluster.members.map((m) => m.name);
  const raised = await alarms(cluster, names[0]);
  if (raised.length === 0) return undefined;
  const defragmented: { member: string; dbSizeAfter?: number }[] = [];
  for (const member of names) {
    await defragment(cluster, member);
    defragmented.push({ member, dbSizeAfter: (await backendSize(cluster, member)).dbSize });
  }
  for (const a of raised) await disarm(cluster, names[0], a);
  return {
    step: "alarms raised while catching up: defragment every member, disarm",
    alarms: raised.map((a) => a.alarm),
    defragmented,
    at: now(),
  };
}
