import type { Nemesis } from "../faults/nemesis.ts";
import { named } from "../checks/checker.ts";
import type { NamedResult } from "../checks/checker.ts";
import { convergenceCheck } from "./convergence.ts";
import type { RunContext } from "./run_context.ts";
import type { StartedRun } from "./started_run.ts";

/**
 * The heal phase: every fault ends, a node a fault killed is back, and the
 * members must agree again (check `cluster-converged`). On a cluster shared
 * with other runs the caller checks that once, after all of them.
 */
export async function heal(
  run: RunContext,
  s: StartedRun,
  nemesis: Nemesis,
): Promise<NamedResult> {
  await nemesis.healAll();
  // A node killed by a fault is back (its heal restarted it); make sure none stays down.
  await Promise.all(s.nodes.filter((n) => !n.alive).map((n) => n.start()));
  if (run.o.sharedCluster) {
    return named("cluster-converged", true, {
      valid: "unknown",
      applies: false,
      judged: 0,
      summary:
        "does not apply here: a cluster shared with other runs, no member fault; checked once after they all ended",
    });
  }
  return await convergenceCheck(s.cluster, 10_000);
}
