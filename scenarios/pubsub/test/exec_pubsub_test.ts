/**
 * Pub/sub written in Python on the drills kit (test/fixtures/exec/pubsub_kit.py)
 * drilled through the exec line protocol: a key per message and a
 * checkpointed position stay valid under the scenario's faults (kill-node,
 * partition-node, compact); keys from the clock's second are caught losing
 * messages.
 */
import assert from "node:assert/strict";
import { checkOf, drillKit } from "../../../test/helpers/exec_kit_helper.ts";

Deno.test("exec pubsub: the Python subscriber delivers every message once, in order, under its faults", async () => {
  const r = await drillKit("pubsub", "pubsub_kit.py", {
    args: ["--faults", "kill-node,partition-node,compact", "--duration", "15s", "--seed", "12"],
  });
  assert.equal(r.code, 0, r.output);
  assert.equal(r.result.valid, true);
  assert.ok(Number(checkOf(r, "delivered-once").judged) > 50, r.output);
  assert.ok(r.result.plan.some((f) => f.fault === "kill-node"), "no kill was planned");
  assert.deepEqual(r.left, [], "no python process outlives the run");
});

Deno.test("exec pubsub: a Python publisher keyed by the clock's second is caught losing messages", async () => {
  const r = await drillKit("pubsub", "pubsub_kit.py", {
    flags: ["--clock-keys"],
    // Caught without faults: 8 s give over a hundred duplicated items / dozens of lost messages.
    args: ["--faults", "none", "--duration", "8s", "--seed", "12"],
  });
  assert.equal(r.code, 1, r.output);
  assert.equal(r.result.valid, false);
  assert.equal(checkOf(r, "delivered-once").valid, false, r.output);
  assert.deepEqual(r.left, []);
});
