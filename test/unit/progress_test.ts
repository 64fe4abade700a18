/**
 * The `progress` check on hand-built histories: a subject that stops in a
 * quiet window is caught, a healthy one passes, waits a fault may explain
 * are not judged, and a window nobody waited in judges nothing.
 */
import assert from "node:assert/strict";
import { progressChecker, withProgress } from "../../lib/checks/progress.ts";
import { quietWindows } from "../../lib/checks/quiet_windows.ts";
import type { CheckInput } from "../../lib/checks/checker.ts";
import { named } from "../../lib/checks/checker.ts";
import { HistoryBuilder } from "../helpers/history_builder.ts";
import type { HistoryEvent } from "../../lib/history/event.ts";
import type { Scenario } from "../../lib/scenario/scenario.ts";

/** A HistoryBuilder that also records spawns (with roles) and phases. */
class History extends HistoryBuilder {
  #extra: HistoryEvent[] = [];

  spawn(node: string, role: string, time: number, incarnation = 1): this {
    this.#extra.push({ kind: "node", type: "spawn", node, incarnation, role, time });
    return this;
  }

  phase(phase: string, time: number): this {
    this.#extra.push({ kind: "phase", phase, time });
    return this;
  }

  override build(): HistoryEvent[] {
    return [...super.build(), ...this.#extra].sort((a, b) => a.time - b.time);
  }
}

const TTL = 2000;
/** The lock's grant: contended, so only the lock as a whole stopping is a violation. */
const lock = progressChecker({ ops: ["acquire"], contended: true });
/** The same operation owed to each node: one that waits 3 × TTL is stopped. */
const each = progressChecker({ ops: ["acquire"] });
const input = (h: History): CheckInput => ({
  history: h.build(),
  final: undefined,
  ttlMs: TTL,
  params: {},
});
const contenders = ["n1", "n2", "n3", "n4", "n5"];

/** A workload from 0 to `end` ms with five contenders spawned just before it. */
function run(end: number): History {
  const h = new History().phase("workload", 0).phase("heal", end).end(end + 3000);
  for (const n of contenders) h.spawn(n, "contender", -500);
  return h;
}

/** A fair lock: the contenders (of `nodes`) take turns, each hold 400 ms, from `from` to `to`. */
function turns(h: History, from: number, to: number, nodes = contenders): History {
  const asked = new Map(contenders.map((n) => [n, from]));
  let t = from, i = 0;
  while (t + 400 < to) {
    const n = nodes[i++ % nodes.length];
    h.op(n, "acquire", asked.get(n)!, t + 10, "ok").op(n, "release", t + 400, t + 410, "ok");
    asked.set(n, t + 420);
    t += 420;
  }
  return h;
}

Deno.test("progress: a deadlocked lock (one grant, then everyone waits) is invalid, naming the window and the nodes", () => {
  const h = run(20_000)
    .op("n1", "acquire", 100, 150, "ok").op("n1", "release", 450, 460, "ok")
    .op("n1", "acquire", 500, undefined, "info");
  for (const n of contenders.slice(1)) h.op(n, "acquire", 120, undefined, "info");
  const r = lock.check(input(h));
  assert.equal(r.valid, false, r.summary);
  assert.match(r.summary, /0\.0–20\.0 s/);
  assert.match(r.summary, /n1, n2, n3, n4, n5|n2, n3, n4, n5, n1/);
  const [e] = r.evidence as { window: { startMs: number; endMs: number }; nodes: string[] }[];
  assert.deepEqual(e.window, { startMs: 0, endMs: 20_000 });
  assert.deepEqual([...e.nodes].sort(), contenders);
  assert.equal(r.judged, 5);
});

Deno.test("progress: a fair lock that keeps granting is valid, every contender judged", () => {
  const r = lock.check(input(turns(run(20_000), 0, 20_000)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.judged, 5);
  assert.equal(r.figures?.quietWindows, 1);
});

Deno.test("progress: a node starved while the others complete is invalid, naming only it; for a contended lock it is unfair, not stopped", () => {
  const h = new History().phase("workload", 0).phase("heal", 20_000).end(20_000);
  let t = 0;
  for (let i = 0; t + 400 < 20_000; i++, t += 420) {
    const n = ["n1", "n2"][i % 2];
    h.op(n, "acquire", t - 5, t + 10, "ok");
  }
  h.op("n3", "acquire", 1000, 9000, "ok"); // 8 s: longer than 3 × TTL
  const r = each.check(input(h));
  assert.equal(r.valid, false, r.summary);
  const [e] = r.evidence as { nodes: string[]; kind: string }[];
  assert.deepEqual(e.nodes, ["n3"]);
  assert.equal(e.kind, "starved");
  const contended = lock.check(input(h));
  assert.equal(contended.valid, true, contended.summary);
  assert.match(contended.summary, /longest quiet wait 8000 ms: a node starved .* not stopped/);
});

Deno.test("progress: a wait a fault may explain is not judged; the quiet after the heal is", () => {
  // n2 is paused 2–6 s; the fault counts until 6 s + TTL + 3 s = 11 s. n2's 8 s wait ends at 9 s.
  const h = run(25_000).fault("pause-node", ["n2"], 2000, 6000)
    .op("n2", "acquire", 1000, 9000, "ok");
  turns(h, 11_000, 25_000);
  const windows = quietWindows(h.build(), { settleMs: TTL + 3000, minMs: 3 * TTL });
  assert.deepEqual(windows, [{ start: 11_000, end: 25_000 }]);
  const r = lock.check(input(h));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.judged, 5, "the five contenders of the window after the heal");
  // The same wait, open into the quiet window for less than 3 × TTL: still fine.
  const late = run(25_000).fault("pause-node", ["n2"], 2000, 6000)
    .op("n2", "acquire", 1000, 15_000, "ok");
  turns(late, 11_000, 25_000);
  assert.equal(lock.check(input(late)).valid, true);
  // Open for 3 × TTL of quiet time after the heal: stopped.
  const stuck = run(25_000).fault("pause-node", ["n2"], 2000, 6000)
    .op("n2", "acquire", 1000, undefined, "info");
  turns(stuck, 11_000, 25_000, contenders.filter((n) => n !== "n2"));
  const s = each.check(input(stuck));
  assert.equal(s.valid, false, s.summary);
  assert.match(s.summary, /11\.0–25\.0 s/);
});

Deno.test("progress: a window nobody waited in judges nothing (unknown, never valid)", () => {
  // The contenders only wait while a fault is on: the quiet window after it sees no one.
  const h = run(30_000).fault("kill-node", ["n1"], 1000, 8000)
    .op("n2", "acquire", 1500, 2500, "ok").op("n2", "release", 2600, 2700, "ok");
  const r = lock.check(input(h));
  assert.equal(r.judged, 0);
  assert.equal(r.valid, "unknown", r.summary);
  assert.match(r.summary, /^not exercised: nobody waited for acquire/);
  assert.notEqual(r.applies, false);
  assert.equal(named("progress", true, r).decides, true);
});

Deno.test("progress: with no quiet window long enough it does not apply", () => {
  const h = run(15_000).fault("pause-node", ["n1"], 1000, 4000)
    .fault("pause-node", ["n2"], 8000, 11_000);
  turns(h, 0, 15_000);
  const r = lock.check(input(h));
  assert.equal(r.applies, false, r.summary);
  assert.equal(r.valid, "unknown");
  assert.match(
    r.summary,
    /^does not apply: no span of the workload 3 × TTL \(6 s\) long free of faults/,
  );
  assert.equal(named("progress", true, r).decides, false);
});

Deno.test("progress: attempts that give up and retry are one wait; a lock that never grants is stopped", () => {
  // Each acquire gives up after 2 s (fail) and is retried 100 ms later: no single call is long.
  const h = run(20_000);
  for (const n of contenders) {
    for (let t = 200; t < 19_000; t += 2100) h.op(n, "acquire", t, t + 2000, "fail");
  }
  const r = lock.check(input(h));
  assert.equal(r.valid, false, r.summary);
});

Deno.test("progress: waits cut short by restarts, with nothing granted, are a stall", () => {
  // n1 restarts every 4 s (no fault: it crashes) and waits again each time; nothing completes.
  const h = new History().phase("workload", 0).phase("heal", 20_000).end(20_000);
  for (let inc = 1, t = 0; t < 20_000; inc++, t += 4000) {
    h.spawn("n1", "contender", t, inc).op(
      "n1",
      "acquire",
      t + 10,
      undefined,
      "info",
      undefined,
      undefined,
      inc,
    )
      .exit("n1", t + 3900, inc);
  }
  const r = lock.check(input(h));
  assert.equal(r.valid, false, r.summary);
  const [e] = r.evidence as { kind: string }[];
  assert.equal(e.kind, "stalled");
});

Deno.test("progress: with `after`, a subscriber that stops delivering while messages are published is caught", () => {
  const pubsub = progressChecker({ ops: ["deliver"], roles: ["subscriber"], after: ["publish"] });
  const h = new History().phase("workload", 0).phase("heal", 20_000).end(20_000)
    .spawn("n1", "publisher", -100).spawn("n2", "subscriber", -100).spawn("n3", "subscriber", -100);
  for (let t = 0; t < 20_000; t += 150) {
    h.op("n1", "publish", t, t + 5, "ok");
    h.op("n2", "deliver", t + 3, t + 3, "ok");
    if (t < 5000) h.op("n3", "deliver", t + 4, t + 4, "ok"); // n3 stops at 5 s
  }
  const r = pubsub.check(input(h));
  assert.equal(r.valid, false, r.summary);
  const [e] = r.evidence as { nodes: string[] }[];
  assert.deepEqual(e.nodes, ["n3"]);
  // Without publishes nobody waits for a delivery: nothing judged.
  const idle = new History().phase("workload", 0).phase("heal", 20_000).end(20_000)
    .spawn("n2", "subscriber", -100);
  assert.equal(pubsub.check(input(idle)).valid, "unknown");
});

Deno.test("progress: withProgress adds the check once, after the scenario's own", () => {
  const mine = {
    name: "mine",
    description: "-",
    check: () => ({ valid: true as const, summary: "" }),
  };
  const all = withProgress([mine], { ops: ["x"] });
  assert.deepEqual(all.map((c) => c.name), ["mine", "progress"]);
  assert.equal(withProgress(all, undefined).length, 2);
});

Deno.test("progress: a scenario that names no main operations is judged on all of them", () => {
  const any = progressChecker();
  const h = new History().phase("workload", 0).phase("heal", 20_000).end(20_000)
    .op("n1", "poll", 100, 200, "ok").op("n1", "poll", 300, undefined, "info");
  const r = any.check(input(h));
  assert.equal(r.valid, false, r.summary);
  assert.match(r.summary, /any operation/);
});

Deno.test("progress: every built-in scenario names its main operations, and judges nothing on an empty workload", async () => {
  const { BUILTIN_SCENARIOS } = await import("../../scenarios/mod.ts");
  for (const [name, url] of Object.entries(BUILTIN_SCENARIOS)) {
    const scenario = (await import(url)).default as Scenario;
    assert.ok(scenario.progress && scenario.progress.ops.length > 0, `${name} declares progress`);
    const roles = new Set(Object.keys(scenario.roles));
    for (const role of scenario.progress.roles ?? []) {
      assert.ok(roles.has(role), `${name}: ${role}`);
    }
    const r = progressChecker(scenario.progress).check(input(run(20_000)));
    assert.equal(r.valid, "unknown", `${name}: ${r.summary}`);
    assert.equal(r.judged, 0);
  }
});
