import { drawPlan } from "./fault_plan.ts";
import type { PlannedFault, UnfitFault } from "../faults/schedule.ts";
import { Nemesis } from "../faults/nemesis.ts";
import type { RunContext } from "./run_context.ts";
import type { StartedRun } from "./started_run.ts";

/** The run's fault plan (see {@link drawPlan}). */
export function planOf(run: RunContext): { plan: PlannedFault[]; unfit: UnfitFault[] } {
  return drawPlan(run.o, run);
}

/**
 * The workload phase: the nodes run for the run's duration while the nemesis
 * applies the plan. Returns the nemesis, which still holds what it started
 * (the heal phase ends it).
 */
export async function workload(
  run: RunContext,
  s: StartedRun,
  plan: PlannedFault[],
  unfit: Promise<never>,
): Promise<Nemesis> {
  const nemesis = new Nemesis(
    {
      cluster: s.cluster,
      nodes: s.nodes,
      admin: s.admin,
      ttlMs: run.ttlMs,
      busyNodes: new Set(),
      busyMembers: new Set(),
      now: () => run.history.now(),
      keepRecord: (o) => s.archive.keep(o),
    },
    run.faults,
    run.history,
    (active) => run.progress.faults(active),
  );
  run.phase("workload");
  s.startProbe();
  nemesis.run(plan);
  await Promise.race([run.progress.tick(run.o.durationMs, run.history), unfit]);
  return nemesis;
}
