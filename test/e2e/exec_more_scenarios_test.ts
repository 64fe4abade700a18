/**
 * The exec adapters of notification, monitoring and load-balancing, each
 * drilled once with a small Python subject on the drills kit
 * (test/fixtures/exec/*_kit.py: pollers of etcd's JSON gateway): the run
 * ends with a verdict, every check judged something, and no program is left.
 */
import assert from "node:assert/strict";
import { checkOf, drillKit } from "../helpers/exec_kit_helper.ts";

const ARGS = ["--duration", "12s", "--seed", "12"];

Deno.test("exec notification: a Python watcher sees every job's completion, progress never backwards", async () => {
  const r = await drillKit("notification", "notification_kit.py", { args: ARGS });
  assert.equal(r.code, 0, r.output);
  assert.ok(Number(checkOf(r, "completion-seen").judged) > 3, r.output);
  assert.ok(Number(checkOf(r, "never-backwards").judged) > 10, r.output);
  assert.deepEqual(r.left, []);
});

Deno.test("exec monitoring: a Python monitor's transitions are judged against etcd's record", async () => {
  const r = await drillKit("monitoring", "monitoring_kit.py", {
    args: ["--faults", "kill-node", ...ARGS],
  });
  assert.ok(r.code === 0 || r.code === 1, r.output);
  assert.ok(Number(checkOf(r, "states-at-revision").judged) > 3, r.output);
  assert.notEqual(checkOf(r, "states-at-revision").valid, "unknown", r.output);
  assert.deepEqual(r.left, []);
});

Deno.test("exec load-balancing: a Python registry and resolver route the harness's Greeter calls", async () => {
  const r = await drillKit("load-balancing", "lb_kit.py", {
    args: ["--faults", "kill-node", ...ARGS],
  });
  assert.ok(r.code === 0 || r.code === 1, r.output);
  assert.ok(Number(checkOf(r, "lists-at-revision").judged) > 2, r.output);
  assert.ok(Number(checkOf(r, "availability").judged) > 50, r.output);
  assert.deepEqual(r.left, []);
});
