/**
 * The queue scenario end to end on a real 3-member process cluster, through
 * the CLI: the reference's guarded claims hand out every item exactly once in
 * creation order; the naive get-then-delete hands items to two consumers.
 */
import assert from "node:assert/strict";
import { runCli } from "./run_helper.ts";

// Seed 12 aims every fault at a consumer: partitions of 4.8 and 4.0 s (claims
// time out and land later) and five kills (1.1–2.9 s down), mid-claim.
const RUN = ["queue", "--duration", "20s", "--fault-interval", "3s", "--seed", "12"];

Deno.test("queue: the reference dequeues every item exactly once, oldest first", async () => {
  const r = await runCli([
    ...RUN,
    "--subject",
    "reference",
    "--faults",
    "kill-node,partition-node",
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, true);
  const total = r.result!.checks.find((c) => c.name === "total-queue")!;
  assert.equal(total.valid, true, total.summary);
  assert.ok(Number(total.figures?.enqueued) > 150, total.summary);
  const fifo = r.result!.checks.find((c) => c.name === "fifo-order")!;
  assert.equal(fifo.valid, true, fifo.summary);
});

Deno.test("queue: naive consumers (three of them) take the same item twice", async () => {
  const r = await runCli([...RUN, "--subject", "naive", "--faults", "kill-node"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.result?.valid, false);
  const total = r.result!.checks.find((c) => c.name === "total-queue")!;
  assert.equal(total.valid, false);
  assert.ok(Number(total.figures?.duplicated) > 0, total.summary);
  assert.match(r.stdout, /total-queue\s+INVALID/);
});
