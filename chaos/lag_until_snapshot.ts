import type { Fault, World } from "../lib/faults/fault.ts";
import { controlOf, currentLeader, HEAL_READY_MS, memberNames } from "./member_targets.ts";
import { isolate } from "./partition_shapes.ts";
import { markHealed, readyForDisaster } from "./disaster_steps.ts";
import { memberClient } from "../lib/cluster/maintenance.ts";
import { memberMetrics, raftIndex, SNAPSHOT_METRICS } from "../lib/cluster/metrics.ts";

/** The `--snapshot-count` members run with when a run may draw this fault. */
export const LAG_SNAPSHOT_COUNT = 100;
/**
 * Entries etcd 3.4 keeps in the leader's raft log behind each snapshot for
 * slow followers (SnapshotCatchUpEntries; not a flag before 3.5): the
 * follower must fall further behind than this for a snapshot to be needed.
 */
export const CATCH_UP_ENTRIES = 5000;
/** The key the fault writes (overwritten: every put is one raft entry). */
const LAG_KEY = "etcd-drills/lag-until-snapshot";
/** Puts in flight at once. */
const CONCURRENCY = 32;
/** Most puts the fault makes, and how long it may write: bounded whatever etcd does. */
const MAX_PUTS = 30_000;
const DRIVE_MS = 60_000;
/** Raft snapshots the leader must save after passing the follower by CATCH_UP_ENTRIES. */
const SNAPSHOTS_PAST = 2;
/** How long the heal waits for the follower to receive the snapshot and catch up. */
const CATCH_UP_MS = 20_000;
/**
 * After a member sends a snapshot, etcd 3.4 keeps it from compacting its
 * raft log for 30 s (releaseDelayAfterSnapshot): a drill in that time would
 * let the follower catch up from the log. A drill this soon after one that
 * sent a snapshot is skipped.
 */
export const COMPACTION_PAUSE_MS = 31_000;
/** When a drill of this run last saw a snapshot sent, by the run's member claims. */
const lastSent = new WeakMap<Set<string>, number>();

/** What the writing phase found. */
interface Drive {
  puts: number;
  leaderIndex?: number;
  snapshotsSaved: number;
  /**
   * The leader saved {@link SNAPSHOTS_PAST} raft snapshots after the
   * follower fell {@link CATCH_UP_ENTRIES} behind: its log is compacted past
   * the follower, unless etcd paused compaction (after sending a snapshot).
   */
  compactedPast: boolean;
  error?: string;
}

/**
 * Cut one follower off from its peers (clients still reach it) and write
 * until the leader has compacted its raft log past the follower's index,
 * then heal: the follower can only catch up by a database snapshot the
 * leader sends, the path etcd's functional tester drilled as
 * BLACKHOLE_PEER_PORT_TX_RX_ONE_FOLLOWER_UNTIL_TRIGGER_SNAPSHOT. The
 * members need a small `--snapshot-count` (the CLI sets
 * {@link LAG_SNAPSHOT_COUNT} when a run may draw this fault; a cluster
 * without one skips it), and the leader keeps {@link CATCH_UP_ENTRIES}
 * entries behind each snapshot, so the fault itself writes one key through
 * the leader, in bounded batches, until the leader's raft index is that far
 * past the follower's and the leader's metrics show it saved
 * {@link SNAPSHOTS_PAST} snapshots since. Its hold is that writing, not a
 * drawn time. Stop detail: the follower's index at the cut, the writes,
 * whether the leader compacted past it, the snapshots the leader sent and
 * the follower received (etcd's `etcd_network_snapshot_*` metrics), and
 * whether the follower caught up. etcd pauses compaction for 30 s after it
 * sends a snapshot, so a drill within {@link COMPACTION_PAUSE_MS} of one that
 * sent a snapshot is skipped (at most one every 31 s).
 */
export const lagUntilSnapshot: Fault = {
  name: "lag-until-snapshot",
  description:
    "cut a follower off and write until the leader compacts past it; heal: it catches up by a snapshot",
  side: "member",
  holdMs: () => [0, 0],
  async start(world, random) {
    if (!world.cluster.snapshotCount) return undefined;
    if (!await readyForDisaster(world)) return undefined;
    // After the wait: a drill that healed meanwhile may have just sent a snapshot.
    const sent = lastSent.get(world.busyMembers);
    if (sent !== undefined && Date.now() - sent < COMPACTION_PAUSE_MS) return undefined;
    const names = memberNames(world);
    if (names.length < 3) return undefined;
    const control = controlOf(world);
    for (const m of names) world.busyMembers.add(m);
    const release = () => {
      for (const m of names) world.busyMembers.delete(m);
    };
    const leader = await currentLeader(world);
    if (!leader) {
      release();
      return undefined;
    }
    const followers = names.filter((n) => n !== leader);
    const follower = followers[Math.floor(random() * followers.length)];
    const url = (n: string) => world.cluster.members.find((m) => m.name === n)!.clientUrl;
    const cut = isolate(follower, names);
    const at = world.now();
    let followerIndex: number;
    let before: { sent: number; received: number };
    try {
      // A blackhole: held bytes would reach the follower at the heal (etcd queues thousands of
      // entries for it meanwhile), and it would catch up from them instead of a snapshot.
      await control.cutLinks(cut, { drop: true });
      followerIndex = await raftIndex(url(follower));
      before = {
        sent: await sentByPeers(world, follower),
        received: (await memberMetrics(url(follower))).get(SNAPSHOT_METRICS.received) ?? 0,
      };
    } catch {
      await control.cutLinks([]).catch(() => {});
      release();
      return undefined;
    }
    const driving = drive(world, { leader, leaderUrl: url(leader), followerIndex });
    return {
      at,
      targets: [follower],
      detail: { follower, leader, cut, followerIndex },
      heal: async () => {
        try {
          const d = await driving;
          await control.cutLinks([], { drop: true });
          const healedAt = world.now();
          const caught = await catchUp(world, {
            leaderUrl: url(leader),
            follower,
            followerUrl: url(follower),
            before,
          });
          await world.cluster.waitReady(HEAL_READY_MS);
          if (caught.snapshotSent) lastSent.set(world.busyMembers, Date.now());
          // The follower's raised term (etcd 3.4 runs without pre-vote) may cost the leader its
          // place at the heal: the new leader is the one that sends the snapshot.
          const leaderAfter = await world.cluster.leader();
          return { follower, leader, followerIndex, ...d, healedAt, leaderAfter, ...caught };
        } finally {
          markHealed(world);
          release();
        }
      },
    };
  },
};

/** Writes through the leader until it has compacted past `followerIndex`, bounded in puts and time. */
async function drive(
  world: World,
  o: { leader: string; leaderUrl: string; followerIndex: number },
): Promise<Drive> {
  const client = memberClient(world.cluster, o.leader);
  const result: Drive = { puts: 0, snapshotsSaved: 0, compactedPast: false };
  const deadline = Date.now() + DRIVE_MS;
  let savedAtPass: number | undefined;
  let batches = 0;
  try {
    while (batches * CONCURRENCY < MAX_PUTS && Date.now() < deadline) {
      batches++;
      const batch = Array.from(
        { length: CONCURRENCY },
        () =>
          client.put(LAG_KEY).value(String(result.puts)).options({
            deadline: new Date(Date.now() + 5000),
          }).exec(),
      );
      const settled = await Promise.allSettled(batch);
      result.puts += settled.filter((s) => s.status === "fulfilled").length;
      if (batches % 8 !== 0) continue; // look every 8 batches
      const index = await raftIndex(o.leaderUrl);
      const saved = (await memberMetrics(o.leaderUrl)).get(SNAPSHOT_METRICS.saved) ?? 0;
      result.leaderIndex = index;
      if (savedAtPass === undefined && index > o.followerIndex + CATCH_UP_ENTRIES) {
        savedAtPass = saved;
      }
      if (savedAtPass !== undefined) {
        result.snapshotsSaved = saved - savedAtPass;
        if (result.snapshotsSaved >= SNAPSHOTS_PAST) {
          result.compactedPast = true;
          break;
        }
      }
    }
  } catch (e) {
    result.error = (e instanceof Error ? e.message : String(e)).split("\n")[0];
  } finally {
    client.close();
  }
  return result;
}

/** Snapshots the members other than `follower` sent so far (etcd's counters, summed). */
async function sentByPeers(world: World, follower: string): Promise<number> {
  let sum = 0;
  for (const m of world.cluster.members) {
    if (m.name === follower) continue;
    sum += (await memberMetrics(m.clientUrl)).get(SNAPSHOT_METRICS.sent) ?? 0;
  }
  return sum;
}

/**
 * After the heal: waits (bounded) until the follower's raft index reaches
 * the leader's at the heal, and reads the snapshot counters' growth.
 */
async function catchUp(
  world: World,
  o: {
    leaderUrl: string;
    follower: string;
    followerUrl: string;
    before: { sent: number; received: number };
  },
): Promise<Record<string, unknown> & { snapshotSent: boolean }> {
  const target = await raftIndex(o.leaderUrl).catch(() => undefined);
  const deadline = Date.now() + CATCH_UP_MS;
  let followerIndex: number | undefined;
  let caughtUpAt: number | undefined;
  while (Date.now() < deadline) {
    followerIndex = await raftIndex(o.followerUrl).catch(() => undefined);
    if (target !== undefined && followerIndex !== undefined && followerIndex >= target) {
      caughtUpAt = world.now();
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const count = async (u: string, name: string) =>
    (await memberMetrics(u).catch(() => new Map<string, number>())).get(name);
  const sent = await sentByPeers(world, o.follower).catch(() => undefined);
  const received = await count(o.followerUrl, SNAPSHOT_METRICS.received);
  const snapshotSent = (sent ?? 0) > o.before.sent || (received ?? 0) > o.before.received;
  return {
    caughtUp: caughtUpAt !== undefined,
    ...(caughtUpAt !== undefined ? { caughtUpAt } : {}),
    leaderIndexAtHeal: target,
    followerIndexAfter: followerIndex,
    snapshotsSent: sent === undefined ? undefined : sent - o.before.sent,
    snapshotsReceived: received === undefined ? undefined : received - o.before.received,
    snapshotSent,
    ...(snapshotSent ? {} : {
      note: "caught up from the log: no snapshot was sent (did the leader pause compaction?)",
    }),
  };
}
