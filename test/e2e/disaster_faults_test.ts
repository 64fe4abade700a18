/**
 * Disaster drills on a real process cluster, one fault at a time: each
 * shows the effect it claims (writes refused without a quorum, nothing
 * serving after kill-all, the revision gone back after a restore, a
 * follower caught up by a snapshot) and leaves members that agree on
 * revision and KV hash. The external cluster refuses them in one line.
 */
import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { mulberry32 } from "../../lib/proc/random.ts";
import { startCluster } from "../../lib/cluster/create.ts";
import { kindCapabilities } from "../../lib/cluster/create.ts";
import { waitConverged } from "../../lib/cluster/converged.ts";
import type { World } from "../../lib/faults/fault.ts";
import { resolveFaults } from "../../chaos/mod.ts";
import { killQuorum } from "../../chaos/kill_quorum.ts";
import { killAll } from "../../chaos/kill_all.ts";
import { restoreSnapshot } from "../../chaos/restore_snapshot.ts";
import { LAG_SNAPSHOT_COUNT, lagUntilSnapshot } from "../../chaos/lag_until_snapshot.ts";
import { writeRefusal } from "../../chaos/disaster_steps.ts";
import { parseMetrics } from "../../lib/cluster/metrics.ts";
import { cli } from "../helpers/cli_helper.ts";
import { memberList } from "../../lib/cluster/gateway.ts";
import type { ControlledCluster } from "../helpers/member_cluster_helper.ts";

/** A 3-member process cluster (with `snapshotCount` when given) and the World a fault sees. */
async function withDrillCluster(
  o: { snapshotCount?: number },
  fn: (c: ControlledCluster, world: World, logDir: string) => Promise<void>,
) {
  const logDir = await Deno.makeTempDir({ prefix: "drills-test-etcd-" });
  let cluster: ControlledCluster | undefined;
  let admin: Etcd3 | undefined;
  try {
    cluster = await startCluster({
      kind: "process",
      members: 3,
      logDir,
      snapshotCount: o.snapshotCount,
    }) as ControlledCluster;
    await cluster.waitReady(20_000);
    admin = new Etcd3({ hosts: cluster.members.map((m) => m.clientUrl) });
    const start = performance.now();
    await fn(cluster, {
      cluster,
      nodes: [],
      admin,
      ttlMs: 2000,
      busyNodes: new Set(),
      busyMembers: new Set(),
      now: () => performance.now() - start,
    }, logDir);
  } finally {
    admin?.close();
    await cluster?.stop();
    await Deno.remove(logDir, { recursive: true });
  }
}

const value = async (world: World, key: string) => await world.admin.get(key).string();

Deno.test("kill-quorum: a majority dies, a survivor refuses writes, the heal restarts them and no acknowledged write is lost", async () => {
  await withDrillCluster({}, async (c, world) => {
    await world.admin.put("acked").value("before").exec();
    const active = await killQuorum.start(world, mulberry32(3));
    assert.ok(active, "kill-quorum found its members");
    const d = active.detail as {
      killed: string[];
      survivors: string[];
      writeProbe: { refused: boolean; error?: string };
    };
    assert.equal(d.killed.length, 2, JSON.stringify(d));
    assert.deepEqual([...world.busyMembers].sort(), d.killed, "it claims the members it killed");
    assert.equal(d.writeProbe.refused, true, `a survivor accepted a write: ${JSON.stringify(d)}`);
    await active.heal();
    assert.equal(world.busyMembers.size, 0, "the heal releases the members");
    assert.equal(await value(world, "acked"), "before");
    await waitConverged(c, 15_000);
  });
});

Deno.test("kill-all: nothing serves while every member is down; a cold start from the data dirs keeps every write", async () => {
  await withDrillCluster({}, async (c, world) => {
    await world.admin.put("acked").value("before").exec();
    const active = await killAll.start(world, mulberry32(1));
    assert.ok(active);
    assert.deepEqual(active.targets, c.members.map((m) => m.name));
    const probe = await writeRefusal(world, "m1");
    assert.equal(probe.refused, true, JSON.stringify(probe));
    await active.heal();
    assert.equal(await value(world, "acked"), "before");
    await waitConverged(c, 15_000);
  });
});

Deno.test("restore-snapshot: writes after the snapshot are gone and the revision goes back; the stop event says from where to where", async () => {
  await withDrillCluster({}, async (c, world) => {
    await world.admin.put("kept").value("before").exec();
    const ids = (await memberList(c.members[0].clientUrl)).map((m) => `${m.name}=${m.id}`).sort();
    const active = await restoreSnapshot.start(world, mulberry32(2));
    assert.ok(active, "restore-snapshot saved a snapshot");
    const start = active.detail as { snapshotRevision: number };
    for (let i = 0; i < 5; i++) await world.admin.put(`lost/${i}`).value("after").exec();
    await world.admin.put("kept").value("overwritten after").exec();
    const healed = await active.heal() as {
      snapshotRevision: number;
      revisionBefore: number;
      revisionAfter: number;
    };
    assert.equal(healed.snapshotRevision, start.snapshotRevision);
    assert.ok(
      healed.revisionAfter < healed.revisionBefore,
      `the revision did not go back: ${JSON.stringify(healed)}`,
    );
    assert.equal(healed.revisionAfter, healed.snapshotRevision, JSON.stringify(healed));
    assert.equal(await value(world, "kept"), "before");
    assert.equal((await world.admin.getAll().prefix("lost/").keys()).length, 0);
    assert.equal(world.busyMembers.size, 0);
    await waitConverged(c, 15_000);
    // Same names, peer URLs and token: the restored members keep their ids (the proxies know them).
    const after = (await memberList(c.members[0].clientUrl)).map((m) => `${m.name}=${m.id}`).sort();
    assert.deepEqual(after, ids);
  });
});

Deno.test("lag-until-snapshot: the leader compacts past a cut-off follower, which after the heal catches up by a snapshot", async () => {
  await withDrillCluster({ snapshotCount: LAG_SNAPSHOT_COUNT }, async (c, world, logDir) => {
    const active = await lagUntilSnapshot.start(world, mulberry32(4));
    assert.ok(active, "lag-until-snapshot found a follower");
    const [follower] = active.targets;
    const healed = await active.heal() as Record<string, unknown>;
    assert.equal(healed.compactedPast, true, JSON.stringify(healed));
    assert.equal(healed.snapshotSent, true, JSON.stringify(healed));
    assert.equal(healed.caughtUp, true, JSON.stringify(healed));
    assert.ok((healed.snapshotsReceived as number) >= 1, JSON.stringify(healed));
    const log = await Deno.readTextFile(`${logDir}/${follower}.log`);
    assert.match(log, /received and saved database snapshot/);
    await waitConverged(c, 15_000);
  });
});

Deno.test("lag-until-snapshot: skipped on a cluster without a small --snapshot-count", async () => {
  await withDrillCluster({}, async (_c, world) => {
    assert.equal(await lagUntilSnapshot.start(world, mulberry32(1)), undefined);
    assert.equal(world.busyMembers.size, 0);
  });
});

Deno.test("the disaster drills: an external cluster refuses each in one line; containers refuse lag-until-snapshot", async () => {
  for (const name of ["kill-quorum", "kill-all", "restore-snapshot", "lag-until-snapshot"]) {
    assert.throws(
      () => resolveFaults([name], { kind: "external", canControlMembers: false }),
      (e: Error) => /needs member control/.test(e.message) && !e.message.includes("\n"),
    );
  }
  const container = await kindCapabilities("container");
  assert.throws(
    () => resolveFaults(["lag-until-snapshot"], container),
    /cannot run on this container cluster/,
  );
  assert.equal(resolveFaults(["kill-quorum", "kill-all", "restore-snapshot"], container).length, 3);
  // Until the checks understand a rollback, "all" leaves restore-snapshot out; the others are in.
  const all = resolveFaults(["all"], { kind: "process", canControlMembers: true }).map((f) =>
    f.name
  );
  assert.ok(!all.includes("restore-snapshot"), all.join(","));
  for (const name of ["kill-quorum", "kill-all", "lag-until-snapshot"]) {
    assert.ok(all.includes(name));
  }
});

Deno.test("parseMetrics: sums a counter over its label sets, skips comments and junk", () => {
  const m = parseMetrics([
    "# HELP etcd_network_snapshot_send_success Total number of successful snapshot sends",
    "# TYPE etcd_network_snapshot_send_success counter",
    'etcd_network_snapshot_send_success{To="8e9e05c52164694d"} 1',
    'etcd_network_snapshot_send_success{To="91bc3c398fb3c146"} 2',
    "etcd_debugging_snap_save_total_duration_seconds_count 44",
    "not a metric line {",
  ].join("\n"));
  assert.equal(m.get("etcd_network_snapshot_send_success"), 3);
  assert.equal(m.get("etcd_debugging_snap_save_total_duration_seconds_count"), 44);
  assert.equal(m.get("etcd_network_snapshot_receive_success"), undefined);
});

Deno.test("--list has a line for each disaster drill", async () => {
  const list = await cli(["--list"]);
  assert.equal(list.code, 0);
  for (const name of ["kill-quorum", "kill-all", "restore-snapshot", "lag-until-snapshot"]) {
    assert.match(
      list.stdout,
      new RegExp(`\\n  ${name}\\s+\\[member\\] \\S`),
      `--list lacks ${name}`,
    );
  }
});
