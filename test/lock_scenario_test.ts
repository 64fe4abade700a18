/**
 * The lock scenario end to end on a real 3-member process cluster, through
 * the CLI as a user runs it: pauses that cross the TTL break the unfenced
 * subjects (lost update) and leave the fenced reference valid.
 */
import assert from "node:assert/strict";
import { runCli } from "./run_helper.ts";

// Seed 12 plans three pauses of 3.6–5.7 s (past the 2 s TTL), each aimed at the
// lock holder: enough that a lost update does not hang on one lucky pause.
const RUN = [
  "lock",
  "--faults",
  "pause-node",
  "--duration",
  "20s",
  "--fault-interval",
  "3s",
  "--seed",
  "12",
];

Deno.test("lock: the fenced reference lock stays valid under pause-node", async () => {
  const r = await runCli([...RUN, "--subject", "reference"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, true);
  const safety = r.result!.checks.find((c) => c.name === "resource-safety")!;
  assert.equal(safety.valid, true);
  assert.ok(Number(safety.figures?.acknowledged) > 10, safety.summary);
  // Pauses really took effect: the holders they hit overlapped their successors.
  const overlaps = r.result!.checks.find((c) => c.name === "overlapping-holds")!;
  assert.ok(Number(overlaps.figures?.overlaps) > 0, "no pause hit a holder past its TTL");
});

for (const subject of ["etcd3", "naive"]) {
  Deno.test(`lock: the unfenced ${subject} lock loses updates under pause-node`, async () => {
    const r = await runCli([...RUN, "--subject", subject]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.result?.valid, false);
    const safety = r.result!.checks.find((c) => c.name === "resource-safety")!;
    assert.equal(safety.valid, false);
    assert.match(safety.summary, /lost update/);
    const evidence = safety.evidence![0] as { overwritten: { node: string }; by: { node: string } };
    assert.notEqual(evidence.overwritten.node, evidence.by.node);
  });
}
