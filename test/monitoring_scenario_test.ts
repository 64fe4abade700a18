/**
 * The monitoring scenario end to end on a real 3-member process cluster,
 * through the CLI: the watching monitor reports every failure and recovery
 * in time, the polling one misses members that die and come back between
 * two polls.
 */
import assert from "node:assert/strict";
import { runCli } from "./run_helper.ts";

const RUN = ["monitoring", "--duration", "20s"];

// Seed 12 plans two pauses (5.7 and 3.1 s) and two cuts (3.9 and 4.0 s) longer than
// TTL + 1.5 s, and two kills, each aimed (80% draw) at a member.
Deno.test("monitoring: the watching monitor detects and reports recovery in time", async () => {
  const r = await runCli([
    ...RUN,
    "--subject",
    "reference",
    "--faults",
    "kill-node,pause-node,partition-node",
    "--seed",
    "12",
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, true);
  const detection = r.result!.checks.find((c) => c.name === "detection")!;
  assert.ok(Number(detection.figures?.judged) > 0, detection.summary);
  assert.ok("detectionMs_p95" in detection.figures!);
});

// Seed 27 plans three short kills (1.0–1.3 s) and no other fault kind: a killed member
// is back, under a new lease, about when its old lease runs out, so its key barely
// (or never) goes missing between two polls.
Deno.test("monitoring: the polling monitor misses short kills", async () => {
  const r = await runCli([...RUN, "--subject", "naive", "--faults", "kill-node", "--seed", "27"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.result?.valid, false);
  // Caught either way: a kill it never reported down (detection), or a state it reported that
  // etcd's record contradicts at that revision (states-at-revision). Which one shows depends
  // on where the polls fall; one always does.
  const failing = r.result!.checks.filter((c) => c.decides && c.valid === false).map((c) => c.name);
  assert.ok(
    failing.includes("detection") || failing.includes("states-at-revision"),
    `failing: ${failing.join(", ")}`,
  );
  const detection = r.result!.checks.find((c) => c.name === "detection")!;
  if (detection.valid === false) assert.match(detection.summary, /not reported down/);
});
