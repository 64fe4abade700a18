/**
 * The monitoring scenario end to end on a real 3-member process cluster,
 * through the CLI as `run all --expect` runs its pinned pairs: the watching monitor reports every failure and recovery
 * in time, the polling one misses members that die and come back between
 * two polls.
 */
import assert from "node:assert/strict";
import { pairsMatchTest, pairsRunOnce } from "../../../test/helpers/run_helper.ts";

const pairs = pairsRunOnce(["monitoring/reference", "monitoring/naive"]);

pairsMatchTest("monitoring", pairs);

// Seed 12 over 15 s plans pauses and cuts longer than TTL + 1.5 s, and kills, each aimed
// (80% draw) at a member.
Deno.test("monitoring: the watching monitor detects and reports recovery in time", async () => {
  const result = (await pairs()).results.get("monitoring/reference")!;
  assert.deepEqual([result.seed, result.faults], [12, [
    "kill-node",
    "pause-node",
    "partition-node",
  ]]);
  assert.equal(result.valid, true);
  const detection = result.checks.find((c) => c.name === "detection")!;
  assert.ok(Number(detection.figures?.judged) > 0, detection.summary);
  assert.ok("detectionMs_p95" in detection.figures!);
});

// Its expectation plans five kills of 1 s: a killed member is back, under a new lease,
// about when its old lease runs out, so its key barely (or never) goes missing between
// two polls.
Deno.test("monitoring: the polling monitor misses short kills", async () => {
  const result = (await pairs()).results.get("monitoring/naive")!;
  assert.deepEqual([result.seed, result.faults], [27, ["kill-node"]]);
  assert.equal(result.plan.length, 5);
  assert.equal(result.valid, false);
  // Caught by its polling either way: a kill it never reported down (detection), or, when a
  // loaded machine restarts a node slowly enough for a poll to see the gap, a return it
  // reported a poll late (recovery). It reports no revision, so states-at-revision has
  // nothing to judge.
  const failing = result.checks.filter((c) => c.decides && c.valid === false).map((c) => c.name);
  assert.ok(
    failing.includes("detection") || failing.includes("recovery"),
    `failing: ${failing.join(", ")}`,
  );
  const detection = result.checks.find((c) => c.name === "detection")!;
  if (detection.valid === false) assert.match(detection.summary, /not reported down/);
});
