/**
 * The notification scenario end to end on a real 3-member process cluster,
 * through the CLI: reference watchers (late, restarted) see every completion;
 * naive watchers that start after a completion wait forever.
 */
import assert from "node:assert/strict";
import { runCli } from "./run_helper.ts";

// Seed 12 aims every fault at a watcher: partitions of 4.8 and 4.0 s and five
// kills (1.1–2.9 s down), after each of which the watcher starts over.
const RUN = [
  "notification",
  "--faults",
  "kill-node,partition-node",
  "--duration",
  "20s",
  "--fault-interval",
  "3s",
  "--seed",
  "12",
];

Deno.test("notification: reference watchers see every completion in time and progress only forward", async () => {
  const r = await runCli([...RUN, "--subject", "reference"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, true);
  const seen = r.result!.checks.find((c) => c.name === "completion-seen")!;
  assert.equal(seen.valid, true, seen.summary);
  assert.ok(Number(seen.figures?.completions) >= 4, seen.summary);
  assert.ok(Number(seen.figures?.judged) >= 10, seen.summary);
  const forward = r.result!.checks.find((c) => c.name === "never-backwards")!;
  assert.equal(forward.valid, true, forward.summary);
  // Every observation is judged against etcd's record of the job keys, none outside it.
  const atRevision = r.result!.checks.find((c) => c.name === "progress-at-revision")!;
  assert.equal(atRevision.valid, true, atRevision.summary);
  assert.equal(atRevision.judged, forward.judged, atRevision.summary);
});

Deno.test("notification: naive watchers that start after a completion hang", async () => {
  const r = await runCli([
    ...RUN.map((a) => a === "kill-node,partition-node" ? "kill-node" : a),
    "--subject",
    "naive",
  ]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.result?.valid, false);
  const seen = r.result!.checks.find((c) => c.name === "completion-seen")!;
  assert.equal(seen.valid, false);
  assert.ok(Number(seen.figures?.hung) >= 1, seen.summary);
  assert.match(r.stdout, /completion-seen\s+INVALID/);
});
