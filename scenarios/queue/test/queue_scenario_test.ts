/**
 * The queue scenario end to end on a real 3-member process cluster, through
 * the CLI as `run all --expect` runs its pinned pairs: the reference's guarded claims hand out every item exactly once in
 * creation order; the naive get-then-delete hands items to two consumers.
 */
import assert from "node:assert/strict";
import { pairsMatchTest, pairsRunOnce } from "../../../test/helpers/run_helper.ts";

// Seed 12 (15 s) aims every fault at a consumer: partitions (claims time out and land later)
// and kills mid-claim.
const pairs = pairsRunOnce(["queue/reference", "queue/naive"]);

pairsMatchTest("queue", pairs);

Deno.test("queue: the reference dequeues every item exactly once, oldest first", async () => {
  const result = (await pairs()).results.get("queue/reference")!;
  assert.deepEqual(result.faults, ["kill-node", "partition-node"]);
  assert.equal(result.valid, true);
  const total = result.checks.find((c) => c.name === "total-queue")!;
  assert.equal(total.valid, true, total.summary);
  // About half what a loaded machine gives (six pairs at once, both cores busy: 119; idle 289).
  assert.ok(Number(total.figures?.enqueued) > 50, total.summary);
  const fifo = result.checks.find((c) => c.name === "fifo-order")!;
  assert.equal(fifo.valid, true, fifo.summary);
});

Deno.test("queue: naive consumers (three of them) take the same item twice", async () => {
  const r = await pairs();
  const result = r.results.get("queue/naive")!;
  assert.deepEqual(result.faults, ["kill-node"]);
  assert.equal(result.valid, false);
  const total = result.checks.find((c) => c.name === "total-queue")!;
  assert.equal(total.valid, false);
  assert.ok(Number(total.figures?.duplicated) > 0, total.summary);
  assert.match(r.stdout, /queue\s+naive\s.*total-queue/);
});
