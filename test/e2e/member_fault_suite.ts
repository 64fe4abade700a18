/**
 * Member faults on a real cluster: each one's effect, then its heal, after
 * which every member serves and all agree on revision and KV hash within
 * 10 s. Effects are awaited by bounded polling. The same cases run on every
 * kind that controls its members (chaos_member_test.ts: processes,
 * container_cluster_cases.ts, run by containers_test.ts: containers).
 */
import assert from "node:assert/strict";
import { oneContainerTestAtATime } from "../helpers/container_turns.ts";
import { mulberry32 } from "../../lib/proc/random.ts";
import { memberHashKV, waitConverged } from "../../lib/cluster/converged.ts";
import { gatewayCall, memberStatus } from "../../lib/cluster/gateway.ts";
import { drawPartition } from "../../chaos/partition_shapes.ts";
import type { Partition } from "../../chaos/partition_shapes.ts";
import type { ActiveFault } from "../../lib/faults/fault.ts";
import { isolateLeader } from "../../chaos/isolate_leader.ts";
import { isolateMember } from "../../chaos/isolate_member.ts";
import { killMember } from "../../chaos/kill_member.ts";
import { killLeader } from "../../chaos/kill_leader.ts";
import { pauseMember } from "../../chaos/pause_member.ts";
import { partition } from "../../chaos/partition.ts";
import { latencyPeer } from "../../chaos/latency_peer.ts";
import { compact } from "../../chaos/compact.ts";
import { netemUnavailable } from "../../lib/cluster/netns.ts";
import {
  agreedLeader,
  eventually,
  fails,
  put,
  read,
  urlOf,
  withCluster,
} from "../helpers/member_cluster_helper.ts";

const NAMES = ["m1", "m2", "m3"];
const others = (names: string[], not: string[]) => names.filter((n) => !not.includes(n));

/** A seed whose draw for these members passes `ok` (the fault draws the same way). */
function seedWhere(names: string[], ok: (p: Partition) => boolean): number {
  for (let seed = 1; seed < 1000; seed++) {
    const p = drawPartition(names, mulberry32(seed));
    if (p && ok(p)) return seed;
  }
  throw new Error("no seed draws such a partition");
}

/** Heals, checks the claim is released, and waits for the members to agree. */
async function healAndConverge(
  world: { busyMembers: Set<string> },
  c: Parameters<typeof waitConverged>[0],
  active: ActiveFault,
) {
  await active.heal();
  assert.equal(world.busyMembers.size, 0, "the heal releases the members");
  const agreed = await waitConverged(c, 10_000);
  assert.ok(agreed.revision > 0 && agreed.leader !== "0");
  return agreed;
}

/** Options of {@link memberFaultSuite}. */
export interface SuiteOptions {
  /** Registers the cases as ignored (e.g. no Docker engine here); the caller says why. */
  ignore?: boolean;
}

/** Registers the member-fault cases for one cluster kind. */
export function memberFaultSuite(
  kind: "process" | "container",
  opts: SuiteOptions = {},
): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({
      name: kind === "process" ? name : `[${kind}] ${name}`,
      ignore: opts.ignore,
      // Container tests take turns: parallel test files share one process (container_turns.ts).
      fn: kind === "container" ? () => oneContainerTestAtATime(fn) : fn,
    });

  test("isolate-leader: a new leader rises among the others; the isolated one serves no linearizable read", async () => {
    await withCluster(3, async (c, world) => {
      const before = await agreedLeader(c, NAMES);
      const active = await isolateLeader.start(world, mulberry32(1));
      assert.ok(active, "the fault started");
      assert.deepEqual(active.targets, [before]);
      assert.ok(active.at >= 0);
      assert.deepEqual(active.detail?.cut, others(NAMES, [before]).map((o) => [before, o]));

      const rest = others(NAMES, [before]);
      const after = await eventually("a new leader among the others", async () => {
        const l = await agreedLeader(c, rest);
        assert.ok(rest.includes(l), `leader ${l} is not among ${rest}`);
        return l;
      });
      assert.notEqual(after, before);
      for (const m of rest) await eventually(`a read through ${m}`, () => read(c, m));
      await put(c, after, "k", "written while the old leader was cut off");
      await fails(`a linearizable read through the isolated ${before}`, read(c, before, 500));

      // While it holds, no other member fault may start: one cause of quorum loss at a time.
      assert.ok(world.busyMembers.has(before));
      assert.equal(await killMember.start(world, mulberry32(2)), undefined);
      assert.equal(await partition.start(world, mulberry32(2)), undefined);

      await healAndConverge(world, c, active);
      await read(c, before, 1000);
    }, kind);
  });

  test("isolate-member: the member is cut off, the others serve", async () => {
    await withCluster(3, async (c, world) => {
      const active = await isolateMember.start(world, mulberry32(5));
      assert.ok(active);
      const [target] = active.targets;
      const rest = others(NAMES, [target]);
      for (const m of rest) await eventually(`a write through ${m}`, () => put(c, m, "k", m));
      await eventually(
        `reads through ${target} failing`,
        () => fails(`a read through ${target}`, read(c, target, 500)),
      );
      await healAndConverge(world, c, active);
    }, kind);
  });

  test("partition (halves): the minority cannot write, the majority can", async () => {
    await withCluster(3, async (c, world) => {
      const active = await partition.start(
        world,
        mulberry32(seedWhere(NAMES, (p) => p.shape === "halves")),
      );
      assert.ok(active);
      assert.equal(active.detail?.shape, "halves");
      const [majority, minority] = active.detail?.groups as string[][];
      assert.equal(majority.length, 2);
      assert.deepEqual(active.targets, minority);
      for (const m of majority) {
        await eventually(`a write through majority member ${m}`, () => put(c, m, "k", m));
      }
      for (const m of minority) {
        await fails(`a write through minority member ${m}`, put(c, m, "k", m, 1000));
      }
      await healAndConverge(world, c, active);
    }, kind);
  });

  test("partition (bridge): the far side loses the leader; the leader's side and the bridge keep it", async () => {
    await withCluster(3, async (c, world) => {
      // Put the leader on a side: the other side can reach it only through the bridge.
      const leader = await agreedLeader(c, NAMES);
      const seed = seedWhere(NAMES, (p) => p.shape === "bridge" && p.groups[0].includes(leader));
      const active = await partition.start(world, mulberry32(seed));
      assert.ok(active);
      assert.equal(active.detail?.shape, "bridge");
      const [a, [middle], b] = active.detail?.groups as string[][];
      assert.deepEqual(a, [leader]);
      assert.deepEqual(active.detail?.cut, [[a[0], b[0]]]);
      assert.deepEqual(active.targets, [...a, ...b].sort());
      // The far side misses the leader's heartbeats and campaigns in vain: the bridge still
      // hears the leader, so it refuses the votes (check-quorum lease). Raft does not relay.
      await eventually(`${b[0]} losing the leader`, async () => {
        assert.equal((await memberStatus(urlOf(c, b[0]), 500)).leader, "0");
      });
      assert.equal(await agreedLeader(c, [leader, middle]), leader, "the leader keeps its term");
      await put(c, leader, "k", "through the leader");
      await put(c, middle, "k", "through the bridge");
      await fails(`a write through the far side ${b[0]}`, put(c, b[0], "k", "far", 1000));
      await healAndConverge(world, c, active);
    }, kind);
  });

  test("partition (ring of 5): the leader's two far members lose it; it keeps a quorum of neighbours", async () => {
    await withCluster(5, async (c, world) => {
      const five = c.members.map((m) => m.name);
      const leader = await agreedLeader(c, five);
      const seed = seedWhere(five, (p) => p.shape === "ring");
      const active = await partition.start(world, mulberry32(seed));
      assert.ok(active);
      assert.equal(active.detail?.shape, "ring");
      assert.equal((active.detail?.cut as unknown[]).length, 5);
      const [order] = active.detail?.groups as string[][];
      const i = order.indexOf(leader);
      const neighbours = [order[(i + 1) % 5], order[(i + 4) % 5]];
      const far = others(five, [leader, ...neighbours]);
      // The far pair hear no leader; each has only the other's vote (2 of 5).
      for (const m of far) {
        await eventually(`${m} losing the leader`, async () => {
          assert.equal((await memberStatus(urlOf(c, m), 500)).leader, "0");
        });
      }
      assert.equal(await agreedLeader(c, [leader, ...neighbours]), leader);
      await put(c, leader, "k", "through the leader");
      for (const m of neighbours) await put(c, m, "k", `through neighbour ${m}`);
      await fails(`a write through far member ${far[0]}`, put(c, far[0], "k", "far", 1000));
      await healAndConverge(world, c, active);
    }, kind);
  });

  test("kill-member: the member is down while killed; restarted on its data, it catches up", async () => {
    await withCluster(3, async (c, world) => {
      const active = await killMember.start(world, mulberry32(3));
      assert.ok(active);
      const [target] = active.targets;
      await fails(`a read through the killed ${target}`, read(c, target, 500));
      const rest = others(NAMES, [target]);
      for (const m of rest) {
        await eventually(`a write through ${m}`, () => put(c, m, `k-${m}`, "while one is down"));
      }
      const agreed = await healAndConverge(world, c, active);
      assert.ok(agreed.revision >= 3, "the restarted member holds the writes it missed");
    }, kind);
  });

  test("kill-leader: the others elect a new leader; the old one comes back as a follower", async () => {
    await withCluster(3, async (c, world) => {
      const before = await agreedLeader(c, NAMES);
      const active = await killLeader.start(world, mulberry32(1));
      assert.ok(active);
      assert.deepEqual(active.targets, [before]);
      await fails(`a read through the killed ${before}`, read(c, before, 500));
      const rest = others(NAMES, [before]);
      const after = await eventually("a new leader among the others", async () => {
        const l = await agreedLeader(c, rest);
        assert.ok(rest.includes(l));
        return l;
      });
      await put(c, after, "k", "after the leader died");
      await healAndConverge(world, c, active);
    }, kind);
  });

  test("pause-member: a stopped member answers nothing; resumed, it catches up", async () => {
    await withCluster(3, async (c, world) => {
      const active = await pauseMember.start(world, mulberry32(4));
      assert.ok(active);
      const [target] = active.targets;
      await fails(
        `a status call to the paused ${target}`,
        gatewayCall(urlOf(c, target), "/v3/maintenance/status", {}, 500),
      );
      for (const m of others(NAMES, [target])) {
        await eventually(`a write through ${m}`, () => put(c, m, `k-${m}`, "while one is paused"));
      }
      await healAndConverge(world, c, active);
    }, kind);
  });

  test("latency-peer: commits wait for the delayed links; healed, the delay is gone", async () => {
    // Containers delay links with the kernel's netem qdisc; where the kernel has none the
    // fault must refuse clearly (and the runner refuses it before a run starts).
    const noNetem = kind === "container" ? await netemUnavailable() : undefined;
    await withCluster(3, async (c, world) => {
      if (noNetem) {
        console.log(`latency-peer on containers: ${noNetem}; checking that it refuses`);
        await assert.rejects(latencyPeer.start(world, mulberry32(6)), /netem/);
        assert.equal(world.busyMembers.size, 0, "a refused fault releases the members");
        return;
      }
      const active = await latencyPeer.start(world, mulberry32(6));
      assert.ok(active);
      assert.deepEqual(active.targets, NAMES);
      const delayMs = Number(active.detail?.delayMs);
      assert.ok(delayMs >= 50 && delayMs <= 150, `delay ${delayMs}`);
      // A commit needs a follower's ack: a round trip over two delayed links, so it
      // cannot be faster than one delay (a lower bound, not a timing race).
      const leader = await agreedLeader(c, NAMES);
      await put(c, leader, "warm", "up", 5000);
      const t0 = performance.now();
      await put(c, leader, "k", "slow", 5000);
      const took = performance.now() - t0;
      assert.ok(took >= delayMs, `a commit took ${took.toFixed(0)} ms under a ${delayMs} ms delay`);
      await healAndConverge(world, c, active);
    }, kind);
  });

  test("compact: history before the current revision is gone on every member", async () => {
    await withCluster(3, async (c, world) => {
      let rev = 0;
      for (let i = 0; i < 3; i++) rev = await put(c, "m1", "k", `v${i}`);
      const active = await compact.start(world, mulberry32(1));
      assert.ok(active);
      assert.deepEqual(active.targets, NAMES);
      assert.equal(active.detail?.compacted, true, JSON.stringify(active.detail));
      assert.equal(active.detail?.revision, rev);
      for (const m of NAMES) {
        await assert.rejects(
          gatewayCall(urlOf(c, m), "/v3/kv/range", { key: btoa("k"), revision: rev - 1 }),
          /compacted/,
        );
      }
      for (const m of NAMES) {
        const kv = await eventually(`${m} compacted`, async () => {
          const kv = await memberHashKV(urlOf(c, m));
          assert.equal(kv.compactRevision, rev);
          return kv;
        });
        assert.equal(kv.revision, rev);
      }
      await active.heal();
      const agreed = await waitConverged(c, 10_000);
      assert.equal(agreed.revision, rev);
    }, kind);
  });
}
