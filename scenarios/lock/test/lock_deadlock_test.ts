/**
 * A lock that deadlocks is caught, end to end: the mutant whose waiters
 * watch their own key instead of their predecessor's grants once and then
 * never again. Nothing it does is unsafe, and with no fault the liveness
 * check does not apply: the `progress` check, in the one quiet window the
 * fault-free workload is, makes the run INVALID and names the waiters.
 */
import assert from "node:assert/strict";
import { runCli } from "../../../test/helpers/run_helper.ts";

const MUTANT = new URL("../mutants/watches_wrong_predecessor.ts", import.meta.url).pathname;

Deno.test("lock: a deadlocked lock (waiters watch the wrong predecessor) is INVALID through progress", async () => {
  const r = await runCli([
    "lock",
    "--subject",
    MUTANT,
    "--faults",
    "none",
    "--duration",
    "15s",
    "--seed",
    "1",
  ]);
  assert.ok(r.result, `no results.json: ${r.stderr}`);
  assert.equal(r.result.valid, false, r.stdout);
  const progress = r.result.checks.find((c) => c.name === "progress")!;
  assert.equal(progress.valid, false, progress.summary);
  assert.ok(progress.decides);
  // The waiters are named, with the window they waited in.
  const [stop] = progress.evidence as {
    window: { startMs: number; endMs: number };
    nodes: string[];
  }[];
  assert.ok(stop.nodes.length >= 4, JSON.stringify(stop));
  assert.ok(stop.window.endMs - stop.window.startMs >= 6000, JSON.stringify(stop.window));
  // Safety holds: the only thing wrong is that it stopped.
  const safety = r.result.checks.find((c) => c.name === "resource-safety")!;
  assert.equal(safety.valid, true, safety.summary);
});
