import assert from "node:assert/strict";
import { leadershipCheckers } from "../checks/leadership.ts";
import type { Checker } from "../../../lib/checks/checker.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

const [oneLeader, writes, observers, handover] = leadershipCheckers({
  campaign: "campaign",
  write: "write",
  resign: "resign",
  observe: "observe",
  handoverMs: 1000,
  recoverMs: 1000,
  log: (f) => (f as { log?: KeyLog }).log,
});

/** n1 leads from 2, n2 from 6 (n1's key deleted), n3 from 12 (n2's deleted). */
const log: KeyLog = {
  prefix: "/p/",
  from: 1,
  to: 20,
  initial: [],
  events: [
    { revision: 2, type: "put", key: "a", value: "n1#1", createRevision: 2 },
    { revision: 3, type: "put", key: "b", value: "n2#1", createRevision: 3 },
    { revision: 6, type: "delete", key: "a" },
    { revision: 9, type: "put", key: "c", value: "n3#1", createRevision: 9 },
    { revision: 12, type: "delete", key: "b" },
  ],
};
const look = (identity: string, createRevision: number) => ({ identity, createRevision });
const write = (identity: string, token: number, leader: ReturnType<typeof look>) => ({
  identity,
  token,
  leader,
});

/** Three terms handed over by resign; leader-only writes next to looks at etcd's leader. */
function terms(h = new HistoryBuilder()): HistoryBuilder {
  return h
    .op("n1", "campaign", 0, 100, "ok", { identity: "n1#1", token: 2 }, 2)
    .op("n2", "campaign", 50, 600, "ok", { identity: "n2#1", token: 3 }, 6)
    .op("n1", "write", 200, 210, "ok", write("n1#1", 2, look("n1#1", 2)), 4)
    .op("n1", "write", 300, 310, "ok", write("n1#1", 2, look("n1#1", 2)), 5)
    .op("n1", "resign", 590, 595, "ok", { identity: "n1#1", token: 2 }, 6)
    .op("n2", "write", 700, 710, "ok", write("n2#1", 3, look("n2#1", 3)), 7)
    .op("n2", "write", 800, 810, "ok", write("n2#1", 3, look("n2#1", 3)), 8)
    .op("n3", "campaign", 900, 1100, "ok", { identity: "n3#1", token: 9 }, 12)
    .op("n2", "resign", 1000, 1010, "ok", { identity: "n2#1", token: 3 }, 12)
    .op("n4", "observe", 100, 100, "ok", { leader: "n1#1", token: 2 }, 2)
    .op("n4", "observe", 600, 600, "ok", { leader: "n2#1", token: 3 }, 6)
    .op("n4", "observe", 1100, 1100, "ok", { leader: "n3#1", token: 9 }, 12)
    // An observer that knows neither revision nor token, and skips a leader.
    .op("n5", "observe", 100, 100, "ok", { leader: "n1#1", token: null })
    .op("n5", "observe", 1100, 1100, "ok", { leader: "n3#1", token: null });
}

const run = (c: Checker, h: HistoryBuilder, final: unknown = { log }) =>
  c.check({ history: h.build(), final, ttlMs: 2000, params: {} });

Deno.test("leadership: terms handed over in order pass every check", () => {
  const h = terms().end(5000);
  for (const c of [oneLeader, writes, observers, handover]) {
    const r = run(c, h);
    assert.equal(r.valid, true, `${c.name}: ${r.summary}`);
  }
  assert.equal(run(handover, h).figures?.handoverMs_max, 90);
});

Deno.test("one-leader: a claim that etcd's leader contradicts fails", () => {
  const h = terms(
    new HistoryBuilder().op("n3", "campaign", 700, 750, "ok", { identity: "n3#1", token: 9 }, 8),
  ).end(5000);
  const r = run(oneLeader, h);
  assert.equal(r.valid, false);
  assert.deepEqual((r.evidence![0] as { etcdLeader: unknown }).etcdLeader, look("n2#1", 3));
});

Deno.test("one-leader: without the log, a look next to a write still contradicts a claim", () => {
  const h = new HistoryBuilder()
    .op("n2", "write", 700, 710, "ok", write("n2#1", 3, look("n2#1", 3)), 7)
    .op("n1", "campaign", 750, 760, "ok", { identity: "n1#1", token: 2 }, 8)
    .end(5000);
  assert.equal(run(oneLeader, h, {}).valid, false);
});

Deno.test("one-leader and leader-only-writes: a deposed leader's accepted write fails both", () => {
  // n1, paused past its TTL, resumes and writes unfenced after n2 became leader.
  const h = terms(
    new HistoryBuilder().op("n1", "write", 650, 660, "ok", write("n1#1", 2, look("n2#1", 3)), 7),
  ).end(5000);
  const one = run(oneLeader, h);
  assert.equal(one.valid, false);
  assert.match(one.summary, /two leaders acted at once/);
  const w = run(writes, h);
  assert.equal(w.valid, false);
  assert.deepEqual((w.evidence![0] as { etcdLeader: unknown }).etcdLeader, look("n2#1", 3));
  // The same write rejected (fenced) is what a correct leader does: no violation.
  const fenced = terms(
    new HistoryBuilder().op("n1", "write", 650, 660, "fail", write("n1#1", 2, look("n2#1", 3)), 7),
  ).end(5000);
  assert.equal(run(writes, fenced).valid, true);
  assert.equal(run(writes, fenced).figures?.rejected, 1);
  assert.equal(run(oneLeader, fenced).valid, true);
});

Deno.test("observer-order: leaders out of order, or one etcd never had, fail", () => {
  const back = terms().op("n4", "observe", 1200, 1200, "ok", { leader: "n2#1", token: 3 }, 13)
    .end(5000);
  const r = run(observers, back);
  assert.equal(r.valid, false);
  assert.match(r.summary, /out of etcd's order/);
  const ghost = terms().op("n5", "observe", 1200, 1200, "ok", { leader: "n9#1", token: null })
    .end(5000);
  assert.match(run(observers, ghost).summary, /never was/);
  const wrong = terms().op("n6", "observe", 700, 700, "ok", { leader: "n1#1", token: 2 }, 7)
    .end(5000);
  assert.match(run(observers, wrong).summary, /did not have at that revision/);
});

Deno.test("resign-handover: a waiting candidate that leads late fails, unless a fault explains it", () => {
  const late = () =>
    new HistoryBuilder()
      .op("n2", "campaign", 0, 100, "ok", { identity: "n2#1", token: 3 }, 3)
      .op("n3", "campaign", 900, 2500, "ok", { identity: "n3#1", token: 9 }, 12)
      .op("n2", "resign", 1000, 1010, "ok", { identity: "n2#1", token: 3 }, 12);
  const r = run(handover, late().end(5000));
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { tookMs: number }).tookMs, 1490);
  // Excused by the fault: not judged, so unknown rather than valid.
  const excused = run(handover, late().fault("pause-node", ["n3"], 1005, 2400).end(5000));
  assert.equal(excused.valid, "unknown", excused.summary);
});

Deno.test("resign-handover: the first candidate to lead after the resign counts, whoever campaigned first", () => {
  const h = new HistoryBuilder()
    .op("n3", "campaign", 0, 100, "ok", { identity: "n3#1", token: 2 }, 2)
    .op("n2", "campaign", 10, 5000, "ok", { identity: "n2#1", token: 5 }, 23)
    .op("n1", "campaign", 20, 2313, "ok", { identity: "n1#1", token: 4 }, 14)
    .op("n3", "resign", 2249, 2297, "ok", { identity: "n3#1", token: 2 }, 13)
    .end(9000);
  const r = run(handover, h);
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.handoverMs_max, 16);
});

Deno.test("failover (election scenario): a killed leader not replaced within TTL + 1.5 s fails", async () => {
  const election = (await import("../mod.ts")).default;
  const failover = election.checkers.find((c) => c.name === "failover")!;
  const killed = (nextAt: number) =>
    new HistoryBuilder()
      .op("n1", "campaign", 0, 10, "ok", { identity: "n1#1", token: 2 }, 2)
      .op("n2", "campaign", 5, nextAt, "ok", { identity: "n2#1", token: 3 }, 9)
      .fault("kill-node", ["n1"], 500, 1500)
      .exit("n1", 501)
      .end(9000);
  assert.equal(run(failover, killed(3400)).valid, true);
  const late = run(failover, killed(4100));
  assert.equal(late.valid, false);
  assert.equal((late.evidence![0] as { latencyMs: number }).latencyMs, 3600);
});

Deno.test("leader-only-writes: etcd's record of the written key settles writes of unknown outcome", () => {
  const [, settled] = leadershipCheckers({
    campaign: "campaign",
    write: "write",
    resign: "resign",
    observe: "observe",
    handoverMs: 1000,
    recoverMs: 1000,
    log: (f) => (f as { log?: KeyLog }).log,
    workLog: (f) => (f as { work?: KeyLog }).work,
  });
  const work = (puts: [number, string][]): KeyLog => ({
    prefix: "/p/work",
    from: 1,
    to: 20,
    initial: [],
    events: puts.map(([revision, identity]) => ({
      revision,
      type: "put" as const,
      key: "",
      value: JSON.stringify({ identity, seq: 1 }),
    })),
  });
  const h = terms()
    // n1's write after it resigned timed out: unknown to the history, but etcd applied it at 7.
    .op("n1", "write", 650, 3000, "info", undefined);
  const ok = run(settled, h, { log, work: work([[4, "n1#1"], [5, "n1#1"], [8, "n2#1"]]) });
  assert.equal(ok.valid, true, ok.summary);
  assert.equal(ok.figures?.recorded, 3);
  const bad = run(settled, h, { log, work: work([[4, "n1#1"], [5, "n1#1"], [7, "n1#1"]]) });
  assert.equal(bad.valid, false);
  assert.match(
    bad.summary,
    /etcd's record holds a leader-only write from a node that was not the leader/,
  );
});
