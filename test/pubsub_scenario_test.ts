/**
 * The pubsub scenario end to end on a real 3-member process cluster, through
 * the CLI: the reference subscribers get every message exactly once across
 * restarts and compactions; the naive ones lose messages.
 */
import assert from "node:assert/strict";
import { runCli } from "./run_helper.ts";

// Seed 12 aims every node fault at a subscriber: a 4.8 s partition, five kills
// (1.1–2.9 s down), and with the default faults a compaction while a killed
// subscriber is down, so its resume finds its history gone.
const RUN = ["pubsub", "--duration", "20s", "--fault-interval", "3s", "--seed", "12"];

Deno.test("pubsub: the reference delivers every message once, in order, across kills and compactions", async () => {
  const r = await runCli([
    ...RUN,
    "--subject",
    "reference",
    "--faults",
    "kill-node,partition-node,compact",
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, true);
  const delivery = r.result!.checks.find((c) => c.name === "delivered-once")!;
  assert.equal(delivery.valid, true, delivery.summary);
  assert.ok(Number(delivery.figures?.required) > 300, delivery.summary);
  // The compaction really cut a restarted subscriber's history: it named the gap.
  assert.ok(Number(delivery.figures?.gaps) >= 1, "no subscriber resumed across a compaction");
  assert.ok(delivery.figures?.deliveryMs_p95 !== null);
});

Deno.test("pubsub: the naive subject loses messages under kill-node", async () => {
  const r = await runCli([...RUN, "--subject", "naive", "--faults", "kill-node"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.result?.valid, false);
  const delivery = r.result!.checks.find((c) => c.name === "delivered-once")!;
  assert.equal(delivery.valid, false);
  assert.match(delivery.summary, /silently lost/);
  assert.match(r.stdout, /delivered-once\s+INVALID/);
  // Both flaws show: a restarted subscriber missed what came while it was down,
  // and messages whose key was overwritten within a second never arrived.
  assert.ok(Number(delivery.figures?.lostWhileDown) > 0, "no loss from a restart");
  assert.ok(Number(delivery.figures?.lostOverwritten) > 0, "no loss from an overwrite");
});
