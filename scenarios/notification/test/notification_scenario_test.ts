/**
 * The notification scenario end to end on a real 3-member process cluster,
 * through the CLI as `run all --expect` runs its pinned pairs: reference watchers (late, restarted) see every completion;
 * naive watchers that start after a completion wait forever.
 */
import assert from "node:assert/strict";
import { pairsMatchTest, pairsRunOnce } from "../../../test/helpers/run_helper.ts";

// Seed 12 (15 s) aims every fault at a watcher: partitions and kills, after each of which the
// watcher starts over.
const pairs = pairsRunOnce(["notification/reference", "notification/naive"]);

pairsMatchTest("notification", pairs);

Deno.test("notification: reference watchers see every completion in time and progress only forward", async () => {
  const result = (await pairs()).results.get("notification/reference")!;
  assert.equal(result.valid, true);
  const seen = result.checks.find((c) => c.name === "completion-seen")!;
  assert.equal(seen.valid, true, seen.summary);
  assert.ok(Number(seen.figures?.completions) >= 4, seen.summary);
  assert.ok(Number(seen.figures?.judged) >= 10, seen.summary);
  const forward = result.checks.find((c) => c.name === "never-backwards")!;
  assert.equal(forward.valid, true, forward.summary);
  // Every observation is judged against etcd's record of the job keys, none outside it.
  const atRevision = result.checks.find((c) => c.name === "progress-at-revision")!;
  assert.equal(atRevision.valid, true, atRevision.summary);
  assert.equal(atRevision.judged, forward.judged, atRevision.summary);
});

Deno.test("notification: naive watchers that start after a completion hang", async () => {
  const r = await pairs();
  const result = r.results.get("notification/naive")!;
  assert.deepEqual(result.faults, ["kill-node"]);
  assert.equal(result.valid, false);
  const seen = result.checks.find((c) => c.name === "completion-seen")!;
  assert.equal(seen.valid, false);
  assert.ok(Number(seen.figures?.hung) >= 1, seen.summary);
  assert.match(r.stdout, /notification\s+naive\s.*completion-seen/);
});
