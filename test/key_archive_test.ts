/**
 * The run's record of its keys outlives the compact fault: a key log read
 * after the compaction still starts at the run's first revision, exactly
 * as etcd held it, where a client without the archive starts at the
 * compaction.
 */
import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { withCluster } from "./member_cluster_helper.ts";
import { KeyArchive } from "../lib/history/key_archive.ts";
import { KeyTimeline, readKeyLog } from "../lib/history/key_log.ts";
import { compact } from "../chaos/compact.ts";

Deno.test("key archive: the compact fault keeps what it takes for the run's key logs", async () => {
  await withCluster(1, async (cluster, world) => {
    const prefix = "/archive-test/";
    const first = await world.admin.put(`${prefix}svc/a`).value("1").exec();
    await world.admin.put(`${prefix}svc/b`).value("1").exec();
    await world.admin.delete().key(`${prefix}svc/a`).exec(); // gone before the compaction
    await world.admin.put(`${prefix}other`).value("x").exec();
    const archive = new KeyArchive(world.admin, prefix);
    const fault = await compact.start({ ...world, keepRecord: () => archive.keep() }, Math.random);
    assert.equal(fault?.detail?.compacted, true, JSON.stringify(fault?.detail));
    await world.admin.put(`${prefix}svc/c`).value("1").exec();

    const log = await readKeyLog(world.admin, `${prefix}svc/`);
    assert.ok(log.from <= Number(first.header.revision), `from ${log.from}`);
    const t = new KeyTimeline(log);
    const at = (r: number) => [...t.at(r)!.keys()].sort();
    assert.deepEqual(at(Number(first.header.revision)), ["a"]);
    assert.deepEqual(at(log.to), ["b", "c"]);
    assert.ok(log.events.some((e) => e.type === "delete" && e.key === "a"), "the delete kept");

    // Another client has no archive: its record starts where the compaction left etcd's.
    const bare = new Etcd3({ hosts: cluster.members.map((m) => m.clientUrl) });
    try {
      const etcds = await readKeyLog(bare, `${prefix}svc/`);
      assert.equal(etcds.from, Number(fault!.detail!.revision));
      assert.ok(!etcds.events.some((e) => e.key === "a"));
      assert.deepEqual([...new KeyTimeline(etcds).at(etcds.to)!.keys()].sort(), ["b", "c"]);
    } finally {
      bare.close();
    }
  });
});
