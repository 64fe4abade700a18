import type { RunContext } from "./run_context.ts";
import type { StartedRun } from "./started_run.ts";

/**
 * The quiesce phase: the nodes run on without faults for `quiesceMs`
 * (default TTL + 1 s: leases of dead holders expire, views catch up), then
 * stop within `stopGraceMs`.
 */
export async function quiesce(run: RunContext, s: StartedRun): Promise<void> {
  await new Promise((r) => setTimeout(r, Number(run.params.quiesceMs ?? run.ttlMs + 1000)));
  run.phase("stop"); // what the nodes do from here on is the harness stopping them (lib/cost)
  await Promise.all(s.nodes.map((n) => n.stop(Number(run.params.stopGraceMs ?? 5000))));
}
