/**
 * Operator drills on a real process cluster: each takes effect, heals, and
 * leaves members that agree on revision and KV hash. External clusters run
 * the API-only ones (compact, defrag) only when the operator opts in.
 */
import assert from "node:assert/strict";
import { mulberry32 } from "../../lib/proc/random.ts";
import { waitConverged } from "../../lib/cluster/converged.ts";
import { backendSize } from "../../lib/cluster/maintenance.ts";
import type { ActiveFault, World } from "../../lib/faults/fault.ts";
import { FAULTS, resolveFaults } from "../../chaos/mod.ts";
import { defrag } from "../../chaos/defrag.ts";
import { replaceMember } from "../../chaos/replace_member.ts";
import { memberList } from "../../lib/cluster/gateway.ts";
import { nospace, NOSPACE_QUOTA_BYTES } from "../../chaos/nospace.ts";
import { KeyArchive } from "../../lib/history/key_archive.ts";
import { KeyTimeline, readKeyLog } from "../../lib/history/key_log.ts";
import { startCluster } from "../../lib/cluster/create.ts";
import { Etcd3 } from "etcd3";
import type { ControlledCluster } from "../helpers/member_cluster_helper.ts";
import { withCluster } from "../helpers/member_cluster_helper.ts";
import { cli, lines } from "../helpers/cli_helper.ts";
import { memberDrills, seedFor } from "./operator_member_drills.ts";

/** Heals, checks the claim is released, and waits for the members to agree. */
async function healAndConverge(world: World, c: ControlledCluster, active: ActiveFault) {
  await active.heal();
  assert.equal(world.busyMembers.size, 0, "the heal releases the members");
  const agreed = await waitConverged(c, 15_000);
  assert.ok(agreed.revision > 0 && agreed.leader !== "0");
  return agreed;
}

/** Writes then deletes `count` keys of 4 KiB and compacts, so a defragmentation has space to give back. */
async function churn(world: World, count: number): Promise<void> {
  const value = "x".repeat(4096);
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) => world.admin.put(`churn/${i + j}`).value(value).exec()),
    );
  }
  const del = await world.admin.delete().prefix("churn/").exec();
  await world.admin.kv.compact({ revision: del.header.revision, physical: true });
}

Deno.test("defrag: one member's backend shrinks, the member side is claimed until the heal, members agree after", async () => {
  await withCluster(3, async (c, world) => {
    await churn(world, 1000);
    const active = await defrag.start(world, mulberry32(5));
    assert.ok(active, "defrag found a member");
    const [member] = active.targets;
    assert.deepEqual([...world.busyMembers], [member], "it claims its member while it holds");
    const d = active.detail as Record<string, number | boolean>;
    assert.equal(d.defragmented, true, JSON.stringify(d));
    assert.ok(
      (d.dbSizeAfter as number) < (d.dbSizeBefore as number),
      `backend did not shrink: ${JSON.stringify(d)}`,
    );
    assert.equal((await backendSize(c, member)).dbSize, d.dbSizeAfter);
    // Another drill waits for the member side, and goes ahead once the first has healed.
    let second: ActiveFault | undefined;
    const waiting = defrag.start(world, mulberry32(6)).then((a) => second = a);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(second, undefined, "it waits while the member side is held");
    await healAndConverge(world, c, active);
    await waiting;
    assert.ok(second, "it went ahead after the heal");
    await healAndConverge(world, c, second);
  });
});

memberDrills("process"); // and on containers: containers_test.ts

Deno.test("replace-member twice in a row on the same member: the second add waits out etcd's refusals", async () => {
  await withCluster(3, async (c, world) => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const active = await replaceMember.start(world, mulberry32(seedFor("follower")));
      assert.ok(active);
      const healed = await active.heal() as { addedId: string };
      ids.push(healed.addedId);
    }
    const listed = (await memberList(c.members[0].clientUrl)).map((m) => m.id);
    assert.equal(listed.length, 3);
    assert.ok(!listed.includes(ids[0]) && listed.includes(ids[1]), JSON.stringify({ ids, listed }));
    await waitConverged(c, 15_000);
  });
});

/** Like withCluster, with the members on the small backend quota nospace needs. */
async function withQuotaCluster(fn: (c: ControlledCluster, world: World) => Promise<void>) {
  const logDir = await Deno.makeTempDir({ prefix: "drills-test-etcd-" });
  let cluster: ControlledCluster | undefined;
  let admin: Etcd3 | undefined;
  try {
    cluster = await startCluster({
      kind: "process",
      members: 3,
      logDir,
      quotaBackendBytes: NOSPACE_QUOTA_BYTES,
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
    });
  } finally {
    admin?.close();
    await cluster?.stop();
    await Deno.remove(logDir, { recursive: true });
  }
}

Deno.test("nospace: writes are refused under the NOSPACE alarm; the operator's heal makes them succeed again, the run's record kept across its compaction", async () => {
  await withQuotaCluster(async (c, plain) => {
    const prefix = "/nospace-run/";
    const first = await plain.admin.put(`${prefix}svc/a`).value("1").exec();
    await plain.admin.put(`${prefix}svc/b`).value("1").exec();
    const archive = new KeyArchive(plain.admin, prefix);
    const world: World = { ...plain, keepRecord: (o) => archive.keep(o) };
    const active = await nospace.start(world, mulberry32(1));
    assert.ok(active);
    // Deletes still go through under NOSPACE (a lease expiring, a node leaving): the record must hold them.
    const gone = await world.admin.delete().key(`${prefix}svc/a`).exec();
    const d = active.detail as Record<string, unknown>;
    assert.equal(d.filled, true, JSON.stringify(d));
    assert.match(String(d.refused), /database space exceeded/);
    assert.ok((d.alarms as string[]).some((a) => /nospace/i.test(a)), JSON.stringify(d));
    await assert.rejects(
      world.admin.put("probe").value("1").options({ deadline: new Date(Date.now() + 3000) }).exec(),
      /database space exceeded/,
    );
    const healed = await active.heal() as {
      compacted: boolean;
      alarmsLeft: string[];
      steps: { step: string; member?: string; dbSizeAfter?: number }[];
    };
    assert.equal(world.busyMembers.size, 0);
    assert.equal(healed.compacted, true);
    assert.deepEqual(healed.alarmsLeft, []);
    assert.deepEqual(
      healed.steps.map((s) => s.step),
      [
        "delete the filler key",
        "keep the run's record",
        "compact",
        "defragment",
        "defragment",
        "defragment",
        "alarm disarm",
      ],
    );
    for (const s of healed.steps.filter((s) => s.step === "defragment")) {
      assert.ok(s.dbSizeAfter! < NOSPACE_QUOTA_BYTES / 4, JSON.stringify(s));
      assert.ok((await backendSize(c, s.member!)).dbSize < NOSPACE_QUOTA_BYTES / 4);
    }
    await world.admin.put("probe").value("2").exec();
    await waitConverged(c, 15_000);
    // The compaction took etcd's old revisions; the run's key log still starts before it.
    const log = await readKeyLog(world.admin, `${prefix}svc/`);
    assert.ok(log.from <= Number(first.header.revision), `from ${log.from}`);
    const t = new KeyTimeline(log);
    assert.deepEqual([...t.at(Number(first.header.revision))!.keys()], ["a"]);
    assert.ok(
      log.events.some((e) =>
        e.type === "delete" && e.key === "a" && e.revision === Number(gone.header.revision)
      ),
      "the delete under NOSPACE kept",
    );
    assert.deepEqual([...t.at(log.to)!.keys()], ["b"]);
  });
});

Deno.test("replace-member after two nospace incidents: the fresh member's replayed backend is defragmented, so it raises no NOSPACE", async () => {
  await withQuotaCluster(async (c, world) => {
    for (let i = 0; i < 2; i++) {
      const filled = await nospace.start(world, mulberry32(1));
      assert.ok(filled);
      await filled.heal();
    }
    const replaced = await replaceMember.start(world, mulberry32(seedFor("follower")));
    assert.ok(replaced);
    const [member] = replaced.targets;
    const healed = await replaced.heal() as {
      steps: { step: string; defragmented?: { member: string; dbSizeAfter: number }[] }[];
    };
    const settled = healed.steps.find((s) => s.step.startsWith("settle backends"));
    assert.ok(settled, `nothing settled: ${JSON.stringify(healed.steps)}`);
    const fresh = settled.defragmented!.find((d) => d.member === member);
    assert.ok(fresh && fresh.dbSizeAfter < NOSPACE_QUOTA_BYTES / 4, JSON.stringify(settled));
    // Writes keep going through, and no member raises NOSPACE at them.
    for (let i = 0; i < 20; i++) {
      await world.admin.put(`probe/${i}`).value("after").options({
        deadline: new Date(Date.now() + 3000),
      }).exec();
    }
    const raised = await world.admin.maintenance.alarm({ action: "Get", alarm: "None" });
    assert.deepEqual(raised.alarms ?? [], []);
    await waitConverged(c, 15_000);
  });
});

Deno.test("nospace: skipped on a cluster without a small backend quota", async () => {
  await withCluster(1, async (_c, world) => {
    assert.equal(await nospace.start(world, mulberry32(1)), undefined);
    assert.equal(world.busyMembers.size, 0);
  });
});

Deno.test("external cluster: compact and defrag are refused without --allow-disruptive, drawn by all with it", async () => {
  const external = { kind: "external", canControlMembers: false };
  for (const name of ["defrag", "compact"]) {
    assert.throws(
      () => resolveFaults([name], { ...external, allowDisruptive: false }),
      new RegExp(`fault ${name} changes the whole external cluster .*--allow-disruptive`),
    );
    assert.equal(resolveFaults([name], { ...external, allowDisruptive: true })[0].name, name);
  }
  assert.throws(
    () => resolveFaults(["kill-member"], { ...external, allowDisruptive: true }),
    /needs member control/,
  );
  const all = (allowDisruptive: boolean) =>
    resolveFaults(["all"], { ...external, allowDisruptive }).map((f) => f.name);
  assert.ok(!all(false).includes("defrag") && !all(false).includes("compact"));
  assert.deepEqual(
    all(true).filter((n) => !FAULTS.find((f) => f.name === n)!.side.startsWith("node")),
    ["compact", "defrag"],
  );
  // Through the CLI: refused at start, before it connects (nothing listens on port 1).
  const r = await cli([
    "discovery",
    ...["--cluster", "external", "--endpoints", "http://127.0.0.1:1", "--faults", "defrag"],
  ]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
  assert.match(r.stderr, /fault defrag changes the whole external cluster .*--allow-disruptive/);
});

Deno.test("external cluster with --allow-disruptive: defrag and compact run against the operator's members", async () => {
  await withCluster(1, async (c) => {
    const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
    try {
      const r = await cli([
        "discovery",
        ...["--cluster", "external", "--endpoints", c.members[0].clientUrl, "--allow-disruptive"],
        ...["--faults-file", await plan(out), "--duration", "4s", "--seed", "1", "--out", out],
        "--quiet",
      ]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const [run] = [...Deno.readDirSync(out)].filter((e) => e.isDirectory);
      const history = (await Deno.readTextFile(`${out}/${run.name}/history.ndjson`)).split("\n")
        .filter(Boolean).map((l) => JSON.parse(l));
      const starts = history.filter((e) => e.kind === "fault" && e.type === "start");
      assert.deepEqual(starts.map((e) => e.fault), ["defrag", "compact"]);
      assert.equal(starts[0].detail.defragmented, true, JSON.stringify(starts[0]));
      assert.deepEqual(starts[0].targets, ["e1"]);
      assert.equal(starts[1].detail.compacted, true, JSON.stringify(starts[1]));
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
});

/** A plan with one defrag and one compaction, early in a short run. */
async function plan(dir: string): Promise<string> {
  const path = `${dir}/plan.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify([{ at: "1s", fault: "defrag" }, { at: "2s", fault: "compact" }]),
  );
  return path;
}
