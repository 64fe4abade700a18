/**
 * The pubsub scenario end to end on a real 3-member process cluster, through
 * the CLI as `run all --expect` runs its pinned pairs: the reference subscribers get every message exactly once across
 * restarts and compactions; the naive ones lose messages.
 */
import assert from "node:assert/strict";
import { pairsMatchTest, pairsRunOnce } from "../../../test/helpers/run_helper.ts";

// Seed 12 (15 s) aims every node fault at a subscriber: a partition, kills, and for the
// reference a compaction while a killed subscriber is down, so its resume finds its history gone.
const pairs = pairsRunOnce(["pubsub/reference", "pubsub/naive"]);

pairsMatchTest("pubsub", pairs);

Deno.test("pubsub: the reference delivers every message once, in order, across kills and compactions", async () => {
  const result = (await pairs()).results.get("pubsub/reference")!;
  assert.deepEqual(result.faults, ["kill-node", "partition-node", "compact"]);
  assert.equal(result.valid, true);
  const delivery = result.checks.find((c) => c.name === "delivered-once")!;
  assert.equal(delivery.valid, true, delivery.summary);
  // About half what a loaded machine gives (six pairs at once, both cores busy: 378; idle 614).
  assert.ok(Number(delivery.figures?.required) > 150, delivery.summary);
  // The compaction really cut a restarted subscriber's history: it named the gap.
  assert.ok(Number(delivery.figures?.gaps) >= 1, "no subscriber resumed across a compaction");
  assert.ok(delivery.figures?.deliveryMs_p95 !== null);
});

Deno.test("pubsub: the naive subject loses messages under kill-node", async () => {
  const r = await pairs();
  const result = r.results.get("pubsub/naive")!;
  assert.deepEqual(result.faults, ["kill-node"]);
  assert.equal(result.valid, false);
  const delivery = result.checks.find((c) => c.name === "delivered-once")!;
  assert.equal(delivery.valid, false);
  assert.match(delivery.summary, /silently lost/);
  assert.match(r.stdout, /pubsub\s+naive\s.*delivered-once/);
  // Both flaws show: a restarted subscriber missed what came while it was down,
  // and messages whose key was overwritten within a second never arrived.
  assert.ok(Number(delivery.figures?.lostWhileDown) > 0, "no loss from a restart");
  assert.ok(Number(delivery.figures?.lostOverwritten) > 0, "no loss from an overwrite");
});
