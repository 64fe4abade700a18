/**
 * The operator drills that need member control (rolling-restart,
 * replace-member), registered for one cluster kind: operator_faults_test.ts
 * runs them on processes, containers_test.ts on containers.
 */
import assert from "node:assert/strict";
import { mulberry32 } from "../../lib/proc/random.ts";
import { waitConverged } from "../../lib/cluster/converged.ts";
import { rollingRestart } from "../../chaos/rolling_restart.ts";
import { replaceMember } from "../../chaos/replace_member.ts";
import { memberList } from "../../lib/cluster/gateway.ts";
import { agreedLeader, put, withCluster } from "../helpers/member_cluster_helper.ts";
import type { ControlledCluster } from "../helpers/member_cluster_helper.ts";
import { containerTest } from "../helpers/container_helper.ts";

/** When the member's etcd process started (its own metric), seconds since the epoch. */
async function startedAt(c: ControlledCluster, member: string): Promise<number> {
  const url = c.members.find((m) => m.name === member)!.clientUrl;
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
  const line = text.split("\n").find((l) => l.startsWith("process_start_time_seconds "));
  if (!line) throw new Error(`${member} reports no process_start_time_seconds`);
  return Number(line.split(" ")[1]);
}

/** The first seed from which replace-member draws the leader (or a follower). */
export function seedFor(role: "leader" | "follower"): number {
  for (let seed = 1; seed < 100; seed++) {
    if ((mulberry32(seed)() < 0.5) === (role === "leader")) return seed;
  }
  throw new Error("no seed");
}

/** The drills that need member control, on one cluster kind. */
export function memberDrills(kind: "process" | "container"): void {
  const test = (name: string, fn: () => Promise<void>) =>
    kind === "process" ? Deno.test(name, fn) : containerTest(`[container] ${name}`, fn);

  test("rolling-restart: every member restarts in turn, each serving before the next stops", async () => {
    await withCluster(3, async (c, world) => {
      const names = c.members.map((m) => m.name);
      const before = await Promise.all(names.map((n) => startedAt(c, n)));
      const active = await rollingRestart.start(world, mulberry32(2));
      assert.ok(active);
      assert.deepEqual([...active.targets].sort(), names, "every member is in the rollout");
      assert.deepEqual([...world.busyMembers].sort(), names, "it holds the whole member side");
      const detail = await active.heal() as {
        turns: { member: string; stoppedAt: number; startedAt: number; servingAt: number }[];
        restarted: number;
      };
      assert.equal(world.busyMembers.size, 0);
      assert.equal(detail.restarted, 3, JSON.stringify(detail));
      assert.deepEqual(detail.turns.map((t) => t.member), active.targets);
      for (const [i, t] of detail.turns.entries()) {
        assert.ok(t.stoppedAt <= t.startedAt && t.startedAt <= t.servingAt, JSON.stringify(t));
        if (i > 0) {
          assert.ok(t.stoppedAt >= detail.turns[i - 1].servingAt, "one member down at a time");
        }
      }
      const after = await Promise.all(names.map((n) => startedAt(c, n)));
      for (const [i, n] of names.entries()) {
        assert.ok(after[i] > before[i], `${n} was not restarted (${before[i]} → ${after[i]})`);
      }
      const agreed = await waitConverged(c, 15_000);
      assert.ok(agreed.revision > 0);
    }, kind);
  });

  for (const role of ["leader", "follower"] as const) {
    test(`replace-member (${role}): removed through the API, a fresh member joins on an empty data dir and converges`, async () => {
      await withCluster(3, async (c, world) => {
        const names = c.members.map((m) => m.name);
        const leader = await agreedLeader(c, names);
        await put(c, leader, "before", "1");
        const before = await memberList(c.members[0].clientUrl);
        const active = await replaceMember.start(world, mulberry32(seedFor(role)));
        assert.ok(active);
        const [member] = active.targets;
        const d = active.detail as { role: string; removedId: string };
        assert.equal(d.role, role);
        assert.equal(member === leader, role === "leader");
        const others = names.filter((n) => n !== member);
        // Out of etcd's member list, and the two left keep a quorum: a write goes through.
        const during = await memberList(c.members.find((m) => m.name === others[0])!.clientUrl);
        assert.deepEqual(
          during.map((m) => m.id).sort(),
          before.map((m) => m.id).filter((id) => id !== d.removedId).sort(),
        );
        const leaderNow = await agreedLeader(c, others);
        await put(c, leaderNow, "during", "2", 3000);
        const healed = await active.heal() as { addedId: string };
        assert.equal(world.busyMembers.size, 0);
        const after = await memberList(c.members[0].clientUrl);
        assert.equal(after.length, 3);
        assert.ok(
          after.some((m) => m.id === healed.addedId && m.name === member),
          JSON.stringify(after),
        );
        assert.ok(!after.some((m) => m.id === d.removedId), "the removed member is gone");
        // The fresh member holds what was written before and during (same KV hash as the others).
        const agreed = await waitConverged(c, 15_000);
        assert.ok(agreed.revision >= 3);
      }, kind);
    });
  }
}
