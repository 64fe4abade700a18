import assert from "node:assert/strict";
import { doubleBarrierCheckers } from "../checks/double_barrier.ts";
import type { Checker } from "../../../lib/checks/checker.ts";
import type { KeyLog, LoggedEvent } from "../../../lib/history/key_log.ts";
import { roundName } from "../double_barrier_recipe.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

const keys = (g: number) => `dbar/${roundName(g)}/w/`;
const [enterSafety, leaveSafety, liveness, dead] = doubleBarrierCheckers({
  enter: "enter",
  leave: "leave",
  count: 3,
  participantKeys: keys,
  boundMs: 1500,
  releaseSlackMs: 1500,
  recoverMs: 1000,
  log: (f) => (f as { log: KeyLog }).log,
});

const put = (revision: number, node: string): LoggedEvent => ({
  revision,
  type: "put",
  key: `${keys(1)}${node}`,
  value: node,
  createRevision: revision,
});
const del = (revision: number, node: string): LoggedEvent => ({
  revision,
  type: "delete",
  key: `${keys(1)}${node}`,
});

/** Round 1: keys at 2, 3, 4, ready at 5, deletes at 6, 7, 8. */
const log: KeyLog = {
  prefix: "/p/",
  from: 1,
  to: 20,
  initial: [],
  events: [
    put(2, "n1"),
    put(3, "n2"),
    put(4, "n3"),
    { revision: 5, type: "put", key: "dbar/000001/ready", value: "", createRevision: 5 },
    del(6, "n1"),
    del(7, "n2"),
    del(8, "n3"),
  ],
};

/** A clean round: all enter once all arrived, all leave once all left. */
function round(h = new HistoryBuilder()): HistoryBuilder {
  return h
    .op("n1", "enter", 0, 210, "ok", { round: 1 }, 5)
    .op("n2", "enter", 100, 212, "ok", { round: 1 }, 5)
    .op("n3", "enter", 200, 215, "ok", { round: 1 }, 5)
    .op("n1", "leave", 500, 545, "ok", { round: 1 }, 8)
    .op("n2", "leave", 520, 546, "ok", { round: 1 }, 8)
    .op("n3", "leave", 540, 547, "ok", { round: 1 }, 8);
}

const run = (c: Checker, h: HistoryBuilder) =>
  c.check({ history: h.build(), final: { log }, ttlMs: 2000, params: {} });

Deno.test("double barrier: a clean round passes every check", () => {
  const h = round().end(5000);
  for (const c of [enterSafety, leaveSafety, liveness]) {
    const r = run(c, h);
    assert.equal(r.valid, true, `${c.name}: ${r.summary}`);
  }
  assert.equal(run(liveness, h).figures?.judged, 6);
  // No fault planned that could kill a participant inside: it does not apply.
  assert.match(run(dead, h).summary, /does not apply/);
  assert.equal(run(dead, h).applies, false);
});

Deno.test("enter-safety: entering before the last participant arrived fails", () => {
  const h = new HistoryBuilder()
    .op("n1", "enter", 0, 150, "ok", { round: 1 }, 5)
    .op("n2", "enter", 100, 212, "ok", { round: 1 }, 5)
    .op("n3", "enter", 200, 215, "ok", { round: 1 }, 5)
    .end(5000);
  const r = run(enterSafety, h);
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { node: string }).node, "n1");
});

Deno.test("enter-safety: entering where etcd never held every participant's key fails", () => {
  const h = new HistoryBuilder()
    .op("n1", "enter", 0, 250, "ok", { round: 1 }, 3)
    .op("n2", "enter", 100, 212, "ok", { round: 1 }, 5)
    .op("n3", "enter", 200, 215, "ok", { round: 1 }, 5)
    .end(5000);
  const r = run(enterSafety, h);
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { mostKeys: number }).mostKeys, 2);
});

Deno.test("leave-safety: leaving while keys of the round are left fails", () => {
  const h = round(new HistoryBuilder().op("n1", "leave", 500, 505, "ok", { round: 1 }, 6)).end(
    5000,
  );
  const r = run(leaveSafety, h);
  assert.equal(r.valid, false);
  assert.deepEqual((r.evidence![0] as { inside: string[] }).inside.length, 2);
});

Deno.test("barrier-liveness: a participant stuck at enter fails, unless a fault touched the round", () => {
  const stuck = () =>
    new HistoryBuilder()
      .op("n1", "enter", 0, 210, "ok", { round: 1 }, 5)
      .op("n2", "enter", 100, 212, "ok", { round: 1 }, 5)
      .op("n3", "enter", 200, 5000, "fail", { round: 1 });
  const r = run(liveness, stuck().end(6000));
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { violation: string }).violation, "enter never completed");
  assert.equal(run(liveness, stuck().fault("pause-node", ["n1"], 150, 900).end(6000)).valid, true);
  // Stopped before it was due is no failure.
  const stopped = new HistoryBuilder()
    .op("n1", "enter", 0, 210, "ok", { round: 1 }, 5)
    .op("n2", "enter", 100, 212, "ok", { round: 1 }, 5)
    .op("n3", "enter", 200, 900, "fail", { round: 1 }).end(6000);
  assert.equal(run(liveness, stopped).valid, true);
});

Deno.test("barrier-dead-participant: a killed participant releases the others within TTL + slack", () => {
  const killed = (leaveDone: number) =>
    new HistoryBuilder()
      .op("n1", "enter", 0, 210, "ok", { round: 1 }, 5)
      .op("n2", "enter", 100, 212, "ok", { round: 1 }, 5)
      .op("n3", "enter", 200, 215, "ok", { round: 1 }, 5)
      .fault("kill-node", ["n3"], 300, 1300)
      .op("n1", "leave", 500, leaveDone, "ok", { round: 1 }, 8)
      .op("n2", "leave", 520, leaveDone, "ok", { round: 1 }, 8)
      .end(9000);
  const good = run(dead, killed(2500));
  assert.equal(good.valid, true, good.summary);
  assert.equal(good.figures?.judged, 2);
  const bad = run(dead, killed(4500));
  assert.equal(bad.valid, false);
  assert.equal((bad.evidence![0] as { dueBy: number }).dueBy, 300 + 2000 + 1500);
});

Deno.test("barrier-dead-participant: a restart that re-joins the round holds the others until it leaves", () => {
  const h = new HistoryBuilder()
    .op("n1", "enter", 0, 210, "ok", { round: 1 }, 5)
    .op("n2", "enter", 100, 212, "ok", { round: 1 }, 5)
    .op("n3", "enter", 200, 215, "ok", { round: 1 }, 5)
    .fault("kill-node", ["n3"], 300, 1300)
    .op("n3", "enter", 1500, 1600, "ok", { round: 1 }, 9, 2)
    .op("n3", "leave", 4000, 4010, "ok", { round: 1 }, 12, 2)
    .op("n1", "leave", 500, 4500, "ok", { round: 1 }, 12)
    .op("n2", "leave", 520, 4500, "ok", { round: 1 }, 12)
    .end(9000);
  assert.equal(run(dead, h).valid, true);
});
