import assert from "node:assert/strict";
import { parseElections, readElections } from "../../../lib/report/cost/member_elections.ts";

const ORIGIN = Date.parse("2026-12-08T04:09:10.000Z");

/** Lines as etcd 3.4 (--logger zap) writes them, from a real run's member logs. */
const line = (ts: string, msg: string) =>
  JSON.stringify({ level: "info", ts: `2026-12-08T04:09:${ts}Z`, caller: "raft/node.go", msg });

const LOGS = {
  m1: [
    line("10.468", "e80b003ad455975d became follower at term 0"),
    line("10.977", "raft.node: e80b003ad455975d elected leader 68e5e750d21bea50 at term 2"),
    line("14.970", "raft.node: e80b003ad455975d elected leader 80ccfcf8129f74e2 at term 3"),
    "not a json line",
  ].join("\n"),
  m2: [
    line("10.467", "80ccfcf8129f74e2 became follower at term 0"),
    line("10.977", "raft.node: 80ccfcf8129f74e2 elected leader 68e5e750d21bea50 at term 2"),
    line("14.968", "80ccfcf8129f74e2 became candidate at term 3"),
    line("14.970", "raft.node: 80ccfcf8129f74e2 elected leader 80ccfcf8129f74e2 at term 3"),
  ].join("\n"),
  m3: [
    line("10.474", "68e5e750d21bea50 became follower at term 0"),
    line("10.976", "raft.node: 68e5e750d21bea50 elected leader 68e5e750d21bea50 at term 2"),
    // Restarted after a kill: learns term 3's leader late; the earliest line dates it.
    line("16.171", "raft.node: 68e5e750d21bea50 elected leader 80ccfcf8129f74e2 at term 3"),
  ].join("\n"),
};

Deno.test("member elections: one per term, dated by the earliest member line, leaders named", () => {
  assert.deepEqual(parseElections({ logs: LOGS, originMs: ORIGIN }), [
    { term: 2, leader: "m3", at: 976 },
    { term: 3, leader: "m2", at: 4970 }, // 14.970 s after 10.000 s
  ]);
});

Deno.test("member elections: no etcd directory means not measured", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await readElections(dir, ORIGIN), undefined);
    await Deno.mkdir(`${dir}/etcd`);
    await Deno.writeTextFile(`${dir}/etcd/m1.log`, LOGS.m1);
    await Deno.writeTextFile(`${dir}/etcd/m2.removed-3.log`, LOGS.m2);
    const got = await readElections(dir, ORIGIN);
    assert.deepEqual(got?.map((e) => [e.term, e.leader]), [[2, "68e5e750d21bea50"], [3, "m2"]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
