import { choiceName } from "../faults/schedule.ts";
import type { PlannedFault, UnfitFault } from "../faults/schedule.ts";
import type { Nemesis } from "../faults/nemesis.ts";
import { overall } from "../checks/checker.ts";
import type { NamedResult } from "../checks/checker.ts";
import { operations } from "../history/event.ts";
import { wallClock } from "../history/writer.ts";
import { writeReportHtml } from "../report/html.ts";
import { runCost } from "../report/cost/run_cost.ts";
import { commonErrors, countMisfits } from "../report/error_summary.ts";
import type { RunContext } from "./run_context.ts";
import type { StartedRun } from "./started_run.ts";
import type { RunResult } from "../report/result.ts";

/** The report phase: the run's result, written as results.json and report.html. */
export async function report(
  run: RunContext,
  s: StartedRun,
  plan: PlannedFault[],
  nemesis: Nemesis,
  judged: NamedResult[],
  unfit: UnfitFault[],
): Promise<RunResult> {
  const events = run.history.events;
  const cluster = s.cluster;
  const { cost, checks: slo } = await runCost({
    history: events,
    dir: run.dir,
    originMs: run.origin,
    slo: run.o.slo,
    memberLogs: cluster.kind === "process",
  });
  const checks = [...judged, ...slo];
  const ops = operations(events);
  const result: RunResult = {
    version: 1,
    scenario: run.o.scenario.name,
    subject: run.o.subject,
    cluster: { kind: cluster.kind, members: cluster.members.length },
    seed: run.o.seed,
    ttl: run.o.ttl,
    durationMs: run.o.durationMs,
    faults: run.choices.map(choiceName),
    // What each fault hit: the plan replays as a --faults-file, on the same targets.
    plan: plan.map((p) => nemesis.hits.has(p.id) ? { ...p, targets: nemesis.hits.get(p.id) } : p),
    skippedFaults: nemesis.skipped.map((p) => p.id),
    unplannedFaults: unfit,
    valid: overall(checks),
    checks,
    stats: {
      operations: ops.length,
      ok: ops.filter((x) => x.outcome === "ok").length,
      fail: ops.filter((x) => x.outcome === "fail").length,
      info: ops.filter((x) => x.outcome === "info").length,
      events: events.length,
    },
    errors: commonErrors(ops),
    misfits: countMisfits(ops),
    faultCost: cost,
    dir: run.dir,
    startedAt: run.started.toISOString(),
    elapsedMs: Math.round(wallClock() - run.origin),
  };
  await Deno.writeTextFile(`${run.dir}/results.json`, JSON.stringify(result, null, 2) + "\n");
  await writeReportHtml(run.dir, result, events);
  return result;
}
