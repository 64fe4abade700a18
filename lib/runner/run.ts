import { runCheckers } from "../checks/checker.ts";
import { withProgress } from "../checks/progress.ts";
import { withWatchGuarantees } from "../checks/watch_guarantees.ts";
import { readWatchLog } from "./watch_log.ts";
import { RunContext } from "./run_context.ts";
import { setup } from "./setup.ts";
import { planOf, workload } from "./workload.ts";
import { heal } from "./heal.ts";
import { quiesce } from "./quiesce.ts";
import { finalReads } from "./final.ts";
import { report } from "./report.ts";
import { faultsRanCheck } from "../faults/faults_ran.ts";
import type { RunOptions } from "./options.ts";
import type { StartedRun } from "./started_run.ts";
import type { PlannedFault, UnfitFault } from "../faults/schedule.ts";
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
    const { started, unfit } = await setup(run);
    try {
      return await afterSetup(run, started, unfit);
    } finally {
      await started.close();
    }
  } finally {
    run.close();
  }
}

/** The phases from the workload on, with what setup started. */
async function afterSetup(
  run: RunContext,
  started: StartedRun,
  unfit: Promise<never>,
): Promise<RunResult> {
  const { plan, unfit: noRoom } = planOf(run);
  sayPlan(run, plan, noRoom);
  const nemesis = await workload(run, started, plan, unfit);

  run.phase("heal");
  const converged = await heal(run, started, nemesis);

  run.phase("quiesce");
  await quiesce(run, started);

  run.phase("final");
  const watchLog = await readWatchLog(run, started);
  const final = await finalReads(run, started);

  started.stopProbe();
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
    ...runCheckers(
      withWatchGuarantees(withProgress(run.o.scenario.checkers, run.o.scenario.progress), watchLog),
      {
        history: run.history.events,
        final,
        ttlMs: run.ttlMs,
        params: run.params,
        plannedFaults: plan.map((p) => p.fault),
      },
    ),
  ];
  return await report(run, started, plan, nemesis, checks, noRoom);
}

/** Before the workload: named faults the duration has no room for, and what `--faults all` drew. */
function sayPlan(
  run: RunContext,
  plan: readonly PlannedFault[],
  noRoom: readonly UnfitFault[],
): void {
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
}
