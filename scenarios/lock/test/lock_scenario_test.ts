/**
 * The lock scenario end to end on a real 3-member process cluster, through
 * the CLI as `run all --expect` runs its pinned pairs: pauses that cross the
 * TTL break the unfenced subjects (lost update) and leave the fenced
 * reference valid.
 */
import assert from "node:assert/strict";
import {
  assertLostUpdateBetweenNodes,
  pairsMatchTest,
  pairsRunOnce,
} from "../../../test/helpers/run_helper.ts";

// Lock's expectations pin seed 12 over 20 s: three pauses of 3.6–5.7 s (past the 2 s TTL), each
// aimed at a holder between its read and its write, so a lost update does not hang on one pause.
const pairs = pairsRunOnce(["lock/reference", "lock/etcd3", "lock/naive"]);

pairsMatchTest("lock", pairs);

Deno.test("lock: the fenced reference lock stays valid under pause-node", async () => {
  const result = (await pairs()).results.get("lock/reference")!;
  assert.equal(result.valid, true);
  const safety = result.checks.find((c) => c.name === "resource-safety")!;
  assert.equal(safety.valid, true);
  assert.ok(Number(safety.figures?.acknowledged) > 10, safety.summary);
  // Pauses really took effect: the holders they hit overlapped their successors.
  const overlaps = result.checks.find((c) => c.name === "overlapping-holds")!;
  assert.ok(Number(overlaps.figures?.overlaps) > 0, "no pause hit a holder past its TTL");
});

for (const subject of ["etcd3", "naive"]) {
  Deno.test(`lock: the unfenced ${subject} lock loses updates under pause-node`, async () => {
    const result = (await pairs()).results.get(`lock/${subject}`)!;
    assert.equal(result.valid, false);
    const safety = result.checks.find((c) => c.name === "resource-safety")!;
    assert.equal(safety.valid, false);
    assert.match(safety.summary, /lost update/);
    assertLostUpdateBetweenNodes(safety);
  });
}
