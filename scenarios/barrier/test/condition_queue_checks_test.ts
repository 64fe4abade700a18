import assert from "node:assert/strict";
import { conditionCheckers } from "../checks/condition_queue.ts";
import type { Checker } from "../../../lib/checks/checker.ts";
import type { HistoryEvent } from "../../../lib/history/event.ts";
import type { KeyLog, LoggedEvent } from "../../../lib/history/key_log.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

const [safety, first, liveness] = conditionCheckers({
  wait: "wait",
  set: "set",
  keys: "cond/",
  required: { "1": "0", "2": "2", "3": "1" },
  boundMs: 1500,
  recoverMs: 1000,
  log: (f) => (f as { log: KeyLog }).log,
});

const put = (revision: number, key: string, value: string): LoggedEvent => ({
  revision,
  type: "put",
  key: `cond/${key}`,
  value,
  createRevision: 2,
});

/** The condition holds at 4, breaks at 5 (a state that lasted one revision), holds again from 6. */
const log: KeyLog = {
  prefix: "/p/",
  from: 1,
  to: 10,
  initial: [],
  events: [
    put(2, "1", "0"),
    put(3, "2", "2"),
    put(4, "3", "1"),
    put(5, "3", "0"),
    put(6, "3", "1"),
    put(7, "1", "0"), // same value again: still holding
  ],
};

/** The setters' writes that made each revision (their completion bounds its commit time). */
function setters(h: HistoryBuilder): HistoryBuilder {
  for (const [rev, t] of [[2, 100], [3, 200], [4, 300], [5, 400], [6, 600], [7, 700]]) {
    h.op(`n${(rev % 3) + 1}`, "set", t, t + 10, "ok", {}, rev);
  }
  return h;
}

const run = (c: Checker, h: HistoryBuilder, extra: HistoryEvent[] = []) =>
  c.check({
    history: [...h.build(), ...extra].sort((a, b) => a.time - b.time),
    final: { log },
    ttlMs: 2000,
    params: {},
  });

const compaction = (at: number, revision: number): HistoryEvent[] => [
  {
    kind: "fault",
    type: "start",
    id: 99,
    fault: "compact",
    targets: ["m1"],
    detail: { revision, compacted: true },
    time: at,
  },
  { kind: "fault", type: "stop", id: 99, fault: "compact", targets: ["m1"], time: at },
];

Deno.test("condition: waiters that proceed where and when the condition first held pass", () => {
  const h = setters(new HistoryBuilder())
    .op("n4", "wait", 50, 320, "ok", { start: 1, gaps: [] }, 4)
    .op("n5", "wait", 500, 650, "ok", { start: 5, gaps: [] }, 6)
    // Proceeding later within the same spell is no miss.
    .op("n6", "wait", 450, 720, "ok", { start: 5, gaps: [] }, 7)
    .end(3000);
  for (const c of [safety, first, liveness]) assert.equal(run(c, h).valid, true, c.name);
  assert.equal(run(liveness, h).figures?.judged, 3);
});

Deno.test("condition-safety: proceeding on a state where the condition did not hold fails", () => {
  const h = setters(new HistoryBuilder()).op("n4", "wait", 50, 450, "ok", { start: 1 }, 5).end(
    3000,
  );
  const r = run(safety, h);
  assert.equal(r.valid, false);
  assert.deepEqual((r.evidence![0] as { state: unknown }).state, { "1": "0", "2": "2", "3": "0" });
});

Deno.test("condition-first-revision: a state that held for one revision and was missed fails", () => {
  const h = setters(new HistoryBuilder()).op("n4", "wait", 50, 650, "ok", { start: 1 }, 6).end(
    3000,
  );
  const r = run(first, h);
  assert.equal(r.valid, false);
  const e = r.evidence![0] as { heldFrom: number; heldUntil: number; proceededAt: number };
  assert.deepEqual([e.heldFrom, e.heldUntil, e.proceededAt], [4, 4, 6]);
});

Deno.test("condition-first-revision: revisions the waiter reported lost to a compaction are excused", () => {
  const h = setters(new HistoryBuilder())
    .op("n4", "wait", 50, 650, "ok", { start: 1, gaps: [{ after: 1, resumedAt: 5 }] }, 6)
    .end(3000);
  assert.equal(run(first, h, compaction(320, 4)).valid, true);
  // The same gap without any compaction is the waiter's own miss.
  assert.equal(run(first, h).valid, false);
});

Deno.test("condition-liveness: a late, a stuck and a crashed waiter fail; faults on them excuse", () => {
  const late = setters(new HistoryBuilder()).op("n4", "wait", 50, 3000, "ok", { start: 1 }, 4).end(
    6000,
  );
  const r = run(liveness, late);
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { violation: string }).violation, "proceeded late");
  // Excused by a fault on it: not judged, so not valid either.
  const excused = run(liveness, late.fault("pause-node", ["n4"], 200, 2900));
  assert.equal(excused.valid, "unknown", excused.summary);
  assert.equal(excused.judged, 0);
  // A pause of another node excuses nothing.
  const other = setters(new HistoryBuilder()).op("n4", "wait", 50, 3000, "ok", { start: 1 }, 4)
    .fault("pause-node", ["n1"], 200, 2900).end(6000);
  assert.equal(run(liveness, other).valid, false);

  const stuck = setters(new HistoryBuilder()).op("n4", "wait", 50, 5000, "fail", { start: 1 }).end(
    6000,
  );
  assert.equal(
    (run(liveness, stuck).evidence![0] as { violation: string }).violation,
    "never proceeded",
  );

  const crashed = setters(new HistoryBuilder()).op("n4", "wait", 50, 60, "info").end(6000);
  assert.equal(
    (run(liveness, crashed).evidence![0] as { violation: string }).violation,
    "wait crashed",
  );
  assert.equal(run(liveness, crashed.fault("kill-node", ["n4"], 55, 1000)).valid, "unknown");
});

Deno.test("condition: without a key log the checks cannot judge", () => {
  const h = setters(new HistoryBuilder()).op("n4", "wait", 50, 320, "ok", { start: 1 }, 4);
  const r = safety.check({ history: h.build(), final: {}, ttlMs: 2000, params: {} });
  assert.equal(r.valid, "unknown");
});
