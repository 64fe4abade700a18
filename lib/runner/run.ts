import { runCheckers } from "../checks/checker.ts";
import { withProgress } from "../checks/progress.ts";
import { RunContext } from "./run_context.ts";
import { setup } from "./setup.ts";
import { planOf, workload } from "./workload.ts";
import { heal } from "./heal.ts";
import { quiesce } from "./quiesce.ts";
import { finalReads } from "./final.ts";
import { report } from "./report.ts";
import { faultsRanCheck } from "../faults/faults_ran.ts";
import type { RunOptions } from "./options.ts";
import type { RunResult } from "../report/result.ts";

export type { RunOptions } from "./options.ts";
export type { RunResult } from "../report/result.ts";

/**
 * One run, phase by phase: setup → workload with faults → heal all → quiesce
 * → final reads → check → report (results.json, report.html). Everything it
 * starts is torn down before it returns, whatever happens.
 */
export async function runScenario(o: RunOptions): Promise<RunResult> {
  const run = await RunContext.open(o);
  try {
    run.phase("setup");
    const { unfit } = await setup(run);
    const { plan, unfit: noRoom } = planOf(run);
    if (noRoom.length > 0) {
      console.error(
        `warning: ${run.o.durationMs / 1000} s has no room for ${
          noRoom.map((u) => u.name).join(", ")
        } (--duration ${
          Math.max(...noRoom.map((u) => u.needsMs)) / 1000
        }s would fit them): the run will say they never ran`,
      );
    }
    if (run.promised.length === 0 && run.choices.length > 0 && run.o.progress) {
      console.error(`faults drawn: ${[...new Set(plan.map((p) => p.fault))].join(", ") || "none"}`);
    }
    const nemesis = await workload(run, plan, unfit);

    run.phase("heal");
    const converged = await heal(run, nemesis);

    run.phase("quiesce");
    await quiesce(run);

    run.phase("final");
    const final = await finalReads(run);

    run.stopProbe();
    run.phase("check");
    const checks = [
      converged,
      faultsRanCheck({
        choices: run.promised,
        plan,
        started: new Set(nemesis.hits.keys()),
        unfit: noRoom,
      }),
      // Added here, not in each scenario's list, so a plugin's scenario gets it without asking.
      ...runCheckers(withProgress(o.scenario.checkers, o.scenario.progress), {
        history: run.history.events,
        final,
        ttlMs: run.ttlMs,
        params: run.params,
        plannedFaults: plan.map((p) => p.fault),
      }),
    ];
    return await report(run, plan, nemesis, checks, noRoom);
  } finally {
    await run.close();
  }
}
