/**
 * The rules every verdict keeps: a check that judged nothing is never
 * valid; a liveness check no planned fault could exercise does not apply
 * (n/a); under its fault it judges at least one thing.
 */
import assert from "node:assert/strict";
import { named, nothingJudged, runCheckers } from "../../lib/checks/checker.ts";
import type { CheckInput } from "../../lib/checks/checker.ts";
import { BUILTIN_SCENARIOS } from "../../scenarios/mod.ts";
import type { Scenario } from "../../lib/scenario/scenario.ts";
import { detectionChecker } from "../../scenarios/monitoring/checks/detection.ts";
import { removalChecker } from "../../lib/checks/removal.ts";
import { regrantChecker } from "../../lib/checks/regrant.ts";
import { HistoryBuilder } from "../helpers/history_builder.ts";
import { RegistryHistory } from "../../scenarios/discovery/test/registry_fixtures.ts";

/** The liveness checks that only a fault can exercise. */
const FAULT_DRIVEN = new Set([
  "liveness",
  "failover",
  "removal-latency",
  "re-registration",
  "detection",
  "recovery",
  "barrier-dead-participant",
  "no-calls-to-the-dead",
]);

const empty = (plannedFaults: string[]): CheckInput => ({
  history: new RegistryHistory().phase("workload", 0).phase("quiesce", 9000).end(10_000).build(),
  final: undefined,
  ttlMs: 2000,
  params: {},
  plannedFaults,
});

Deno.test("named: a valid result that judged nothing is made unknown", () => {
  const r = named("x", true, { valid: true, judged: 0, summary: "looked" });
  assert.equal(r.valid, "unknown");
  assert.match(r.summary, /judged nothing/);
  assert.equal(named("x", true, { valid: true, judged: 2, summary: "ok" }).valid, true);
});

Deno.test("nothingJudged: unknown when a planned fault could exercise it, n/a when none could", () => {
  const planned = nothingJudged(empty(["kill-node"]), {
    exercisedBy: ["kill-node"],
    why: "no kill in a quiet window",
  });
  assert.equal(planned.valid, "unknown");
  assert.notEqual(planned.applies, false);
  assert.match(planned.summary, /^not exercised: /);
  const none = nothingJudged(empty([]), { exercisedBy: ["kill-node"], why: "-" });
  assert.equal(none.applies, false);
  assert.match(none.summary, /^does not apply: no kill-node/);
  assert.equal(named("x", true, none).decides, false);
  // Without planned faults in the input, the faults that started in the history count.
  const h = new HistoryBuilder().fault("kill-node", ["n1"], 10, 20).end(100).build();
  const seen = nothingJudged({ history: h }, { exercisedBy: ["kill-node"], why: "-" });
  assert.equal(seen.valid, "unknown");
  assert.notEqual(seen.applies, false);
});

for (const [name, url] of Object.entries(BUILTIN_SCENARIOS)) {
  Deno.test(`${name}: on a history with nothing in it, no check is valid and each says what it judged`, async () => {
    const scenario = (await import(url)).default as Scenario;
    for (const faults of [[], scenario.defaultFaults ?? []]) {
      for (const r of runCheckers(scenario.checkers, empty(faults))) {
        assert.equal(typeof r.judged, "number", `${r.name} reports judged`);
        assert.notEqual(r.valid, true, `${r.name} judged ${r.judged} and said: ${r.summary}`);
        if (r.judged === 0 && r.decides) assert.equal(r.valid, "unknown", r.name);
        if (FAULT_DRIVEN.has(r.name) && faults.length === 0) {
          assert.equal(r.applies, false, `${r.name} under --faults none: ${r.summary}`);
          assert.match(r.summary, /does not apply/);
        }
      }
    }
  });
}

Deno.test("liveness checks under their fault judge at least one wait", () => {
  const input = (h: HistoryBuilder): CheckInput => ({
    history: h.build(),
    final: undefined,
    ttlMs: 2000,
    params: {},
  });
  // The lock: n1 holds, is killed at 1000, n2 is granted at 2500.
  const lock = new HistoryBuilder()
    .op("n1", "acquire", 0, 10, "ok")
    .fault("kill-node", ["n1"], 1000, 1100)
    .op("n2", "acquire", 20, 2500, "ok")
    .end(8000);
  const r = regrantChecker({ acquire: "acquire", release: "release" }).check(input(lock));
  assert.equal(r.valid, true, r.summary);
  assert.ok(r.judged >= 1);
  // The same checks on a run without faults do not apply.
  const quiet = new HistoryBuilder().op("n1", "acquire", 0, 10, "ok").end(8000);
  for (
    const c of [
      regrantChecker({ acquire: "acquire", release: "release" }),
      detectionChecker(),
      removalChecker(),
    ]
  ) {
    const q = c.check(input(quiet));
    assert.equal(q.applies, false, `${c.name}: ${q.summary}`);
    assert.equal(q.judged, 0);
  }
});
