/**
 * The run's record of its keys outlives the compact fault: a key log read
 * after the compaction still starts at the run's first revision, exactly
 * as etcd held it, where a client without the archive starts at the
 * compaction.
 */
import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { withCluster } from "../helpers/member_cluster_helper.ts";
import { joined, KeyArchive } from "../../lib/history/key_archive.ts";
import { KeyTimeline, readKeyLog } from "../../lib/history/key_log.ts";
import type { KeyLog, LoggedKv } from "../../lib/history/key_log.ts";
import { compact } from "../../chaos/compact.ts";

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

const kv = (key: string, rev: number, create = rev): LoggedKv => ({
  key,
  value: "1",
  createRevision: create,
  modRevision: rev,
  lease: "0",
});

/** The run's record before a compaction to revision 8: a, b; a deleted; another key. */
const kept: KeyLog = {
  prefix: "/p/",
  from: 1,
  to: 8,
  initial: [],
  events: [
    { revision: 2, type: "put", ...kv("svc/a", 2) },
    { revision: 3, type: "put", ...kv("svc/b", 3) },
    { revision: 5, type: "delete", key: "svc/a" },
    { revision: 6, type: "put", ...kv("other", 6) },
  ],
};

/** etcd's record of svc/ after the compaction: from 8, where only b is. */
const after = (initial: LoggedKv[], from = 8): KeyLog => ({
  prefix: "/p/svc/",
  from,
  to: 10,
  initial,
  events: [{ revision: 9, type: "put", ...kv("c", 9) }],
});

Deno.test("key archive: the record joins etcd's where both hold the same keys at their meeting", () => {
  const log = joined(kept, after([kv("b", 3)]));
  assert.equal(log.from, 1);
  assert.deepEqual(log.events.map((e) => `${e.type} ${e.key}@${e.revision}`), [
    "put a@2",
    "put b@3",
    "delete a@5",
    "put c@9",
  ]);
  assert.deepEqual([...new KeyTimeline(log).at(4)!.keys()].sort(), ["a", "b"]);
});

Deno.test("key archive: where the record and etcd disagree or leave a gap, etcd's part stands alone", () => {
  // b at another revision in etcd than the record says at 8: the record is not etcd's.
  const differ = after([kv("b", 7)]);
  assert.equal(joined(kept, differ), differ);
  const extra = after([kv("b", 3), kv("d", 4)]); // a key the record lacks
  assert.equal(joined(kept, extra), extra);
  const gap = after([kv("b", 3)], 9); // the record ends at 8, etcd's begins at 9
  assert.equal(joined(kept, gap), gap);
  const older = after([kv("b", 3)], 1); // etcd reaches back as far: nothing to join
  assert.equal(joined(kept, older), older);
  const elsewhere = { ...after([kv("b", 3)]), prefix: "/q/svc/" }; // not below the record's prefix
  assert.equal(joined(kept, elsewhere), elsewhere);
});
