import assert from "node:assert/strict";
import { HistoryBuilder } from "../../helpers/history_builder.ts";
import type { HistoryEvent } from "../../../lib/history/event.ts";
import {
  faultCost,
  longestGap,
  percentile,
  PROBE_NODE,
} from "../../../lib/report/cost/fault_cost.ts";
import type { Election } from "../../../lib/report/cost/member_elections.ts";

/** A probe answered at `time` after `latencyMs`, ok or not. */
function probe(time: number, latencyMs: number, ok: boolean): HistoryEvent {
  return { kind: "probe", time, latencyMs, ok };
}

/**
 * One fault window, kill-leader 1000–3000 ms, run end 10000 ms:
 * writes ok at 110, 950, 1510 (inside), 3520, 5040; a write failed inside;
 * a read ran out past the heal and ended info; an observation at 2500;
 * the probe failed inside and answered again at 3100.
 */
function planted(): HistoryEvent[] {
  const h = new HistoryBuilder()
    .op("n1", "write", 100, 110, "ok")
    .op("n1", "write", 900, 950, "ok")
    .op("n1", "write", 1100, 1600, "fail")
    .op("n1", "write", 3500, 3520, "ok")
    .op("n2", "read", 200, 205, "ok")
    .op("n2", "read", 1200, 3200, "info")
    .op("n2", "read", 3300, 3310, "ok")
    .op("n3", "write", 1500, 1510, "ok")
    .op("n3", "write", 5000, 5040, "ok")
    .op("n4", "view", 2500, 2500, "ok")
    .op("n5", "call", 1200, 1300, "fail") // not a request to etcd: not counted
    .fault("kill-leader", ["m1"], 1000, 3000)
    .end(10000)
    .build();
  return [
    ...h,
    probe(250, 5, true),
    probe(500, 5, true),
    probe(1000, 5, true),
    probe(2000, 2000, false),
    probe(3100, 10, true),
  ].sort((a, b) => a.time - b.time);
}

const ELECTIONS: Election[] = [
  { term: 2, leader: "m1", at: -500 }, // setup: before the workload, in no window
  { term: 3, leader: "m2", at: 1800 },
  { term: 4, leader: "m1", at: 3500 }, // within afterHealMs of the heal
  { term: 5, leader: "m3", at: 7000 }, // outside: the baseline's
];

Deno.test("fault cost: each figure of a fault window as the rules define it", () => {
  const cost = faultCost({ history: planted(), elections: ELECTIONS });
  assert.equal(cost.windows.length, 1);
  const w = cost.windows[0];
  assert.deepEqual(
    { kind: w.kind, id: w.id, fault: w.fault, start: w.start, stop: w.stop, d: w.durationMs },
    { kind: "fault", id: 1, fault: "kill-leader", start: 1000, stop: 3000, d: 2000 },
  );
  // Writes ok inside at 1510, next at 3520 (after the heal): the gap runs on past the heal.
  assert.deepEqual(w.writeGap, { ms: 2010, from: 1510, to: 3520, open: false });
  // Reads: the probe at 1000 is at the start; the view at 2500 ends the first gap.
  assert.deepEqual(w.readGap, { ms: 1500, from: 1000, to: 2500, open: false });
  // Requests overlapping: n1's failed write, n2's info read, n3's ok write (not the view,
  // the call, or the probe).
  assert.equal(w.requests, 3);
  assert.equal(w.errors, 2);
  assert.equal(w.errorRate, 2 / 3);
  // Latencies 500, 2000 (an info read counts, it completed), 10: nearest rank.
  assert.deepEqual(w.latency, { count: 3, p50: 500, p99: 2000 });
  assert.deepEqual(w.recovery, {
    maxMs: 520,
    perNode: { [PROBE_NODE]: 100, n1: 520, n2: 310, n3: 0 },
    unrecovered: [],
    intoNextFault: false,
  });
  assert.deepEqual(w.leaderChanges, {
    count: 2,
    elections: [ELECTIONS[1], ELECTIONS[2]],
  });
});

Deno.test("fault cost: the baseline is the run outside every window, cut at its edges", () => {
  const b = faultCost({ history: planted(), elections: ELECTIONS }).baseline;
  assert.equal(b.kind, "baseline");
  assert.equal(b.durationMs, 8000);
  // Requests wholly outside: 10, 50, 5, 20, 10, 40 ms, all ok.
  assert.equal(b.requests, 6);
  assert.equal(b.errorRate, 0);
  assert.deepEqual(b.latency, { count: 6, p50: 10, p99: 50 });
  // Writes ok at 3520, 5040, then none to the run's end at 10000: an open gap.
  assert.deepEqual(b.writeGap, { ms: 4960, from: 5040, to: 10000, open: true });
  assert.deepEqual(b.readGap, { ms: 6690, from: 3310, to: 10000, open: true });
  assert.equal(b.recovery, null);
  assert.deepEqual(b.leaderChanges, { count: 1, elections: [ELECTIONS[3]] });
});

Deno.test("fault cost: a node that tries after the heal and never succeeds is unrecovered", () => {
  const history = new HistoryBuilder()
    .op("n1", "write", 100, 110, "ok")
    .op("n1", "write", 1100, 1200, "fail")
    .op("n1", "write", 2500, 2600, "fail")
    .op("n2", "write", 1500, 1510, "ok")
    .op("n2", "write", 2500, 2510, "ok")
    .fault("partition", ["n1"], 1000, 2000)
    .end(5000)
    .build();
  const w = faultCost({ history }).windows[0];
  assert.deepEqual(w.recovery, {
    maxMs: null,
    perNode: { n1: null, n2: 0 },
    unrecovered: ["n1"],
    intoNextFault: false,
  });
  assert.equal(w.leaderChanges, null, "no member logs: leader changes not measured");
});

Deno.test("fault cost: a window where nothing of a kind ran measures nothing of it", () => {
  const history = new HistoryBuilder()
    .op("n1", "write", 100, 110, "ok")
    .op("n1", "read", 4000, 4010, "ok")
    .fault("kill-node", ["n1"], 1000, 2000)
    .end(5000)
    .build();
  const w = faultCost({ history }).windows[0];
  assert.equal(w.requests, 0);
  assert.equal(w.errorRate, null);
  assert.equal(w.writeGap, null);
  assert.equal(w.readGap, null);
  assert.deepEqual(w.latency, { count: 0, p50: null, p99: null });
  assert.deepEqual(w.recovery, { maxMs: null, perNode: {}, unrecovered: [], intoNextFault: false });
});

Deno.test("fault cost: a write out at the heal disturbs its node; a waiting acquire does not", () => {
  const history = new HistoryBuilder()
    .op("n1", "write", 1500, 2300, "ok") // out at the heal (2000), answered 300 ms after
    .op("n2", "acquire", 1500, 2800, "ok") // waiting its turn: not disturbed
    .fault("pause-node", ["n1"], 1000, 2000)
    .end(5000)
    .build();
  const w = faultCost({ history }).windows[0];
  assert.deepEqual(w.recovery?.perNode, { n1: 300, n2: 0 });
  assert.deepEqual(w.latency, { count: 1, p50: 800, p99: 800 }, "acquire has no latency");
  assert.deepEqual(w.writeGap, { ms: 1300, from: 1000, to: 2300, open: false });
});

Deno.test("longest gap and percentile: edge cases", () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([7], 0.99), 7);
  assert.equal(percentile([4, 1, 3, 2], 0.5), 2);
  assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99), 99);
  // No success at all in or after a window: the gap runs to the end, open.
  assert.deepEqual(
    longestGap({
      times: [50],
      spans: [{ start: 100, stop: 200 }],
      runEnd: 900,
      extendPastStop: true,
    }),
    { ms: 800, from: 100, to: 900, open: true },
  );
  // The baseline's pieces are cut at their stops.
  assert.deepEqual(
    longestGap({
      times: [150, 800],
      spans: [{ start: 0, stop: 100 }, { start: 500, stop: 900 }],
      runEnd: 900,
      extendPastStop: false,
    }),
    { ms: 300, from: 500, to: 800, open: false },
  );
});

Deno.test("fault cost: what the harness's stop ended is not counted, nor anything after it", () => {
  const history: HistoryEvent[] = [
    ...new HistoryBuilder()
      .op("n1", "write", 100, 110, "ok")
      .op("n1", "acquire", 4000, 5100, "info") // a lock wait the stop ended
      .op("n2", "write", 4500, 4510, "ok")
      .fault("kill-leader", ["m1"], 1000, 2000)
      .end(6000)
      .build(),
    { kind: "phase" as const, phase: "stop", time: 5000 },
  ].sort((a, b) => a.time - b.time);
  const b = faultCost({ history }).baseline;
  assert.equal(b.stop, 5000);
  assert.equal(b.requests, 2);
  assert.equal(b.errors, 0);
  assert.deepEqual(b.writeGap, { ms: 2510, from: 2000, to: 4510, open: false });
});

Deno.test("fault cost: a recovery that runs into the next fault window is flagged", () => {
  const history = new HistoryBuilder()
    .op("n1", "write", 1100, 1200, "fail")
    .op("n1", "write", 2600, 2700, "ok") // 700 ms after the first heal, into the second window
    .op("n2", "write", 1100, 1200, "fail")
    .op("n2", "write", 2100, 2200, "ok")
    .fault("kill-leader", ["m1"], 1000, 2000)
    .fault("partition", ["m2"], 2500, 3000)
    .end(5000)
    .build();
  const [first, second] = faultCost({ history }).windows;
  assert.equal(first.recovery?.maxMs, 700);
  assert.equal(first.recovery?.intoNextFault, true);
  assert.equal(second.recovery?.intoNextFault, false, "no window after the last");
});

Deno.test("fault cost: a fail etcd answered (a revision) is the recipe declining, not an error", () => {
  const history = new HistoryBuilder()
    .op("n1", "dequeue", 1100, 1110, "fail", { id: "a" }, 42) // another consumer claimed it first
    .op("n1", "dequeue", 1200, 1700, "fail", { id: "b" }) // no answer from etcd
    .op("n2", "dequeue", 1300, 1310, "ok", { id: "c" }, 43)
    .fault("partition", ["n1"], 1000, 2000)
    .end(5000)
    .build();
  const w = faultCost({ history }).windows[0];
  assert.equal(w.requests, 3);
  assert.equal(w.errors, 1);
  assert.deepEqual(w.latency, { count: 3, p50: 10, p99: 500 });
});
