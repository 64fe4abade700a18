import type { PlannedFault } from "../../chaos/schedule.ts";
import type { Nemesis } from "../../chaos/nemesis.ts";
import { overall } from "../checkers/checker.ts";
import type { NamedResult } from "../checkers/checker.ts";
import { operations } from "../history/event.ts";
import { wallClock } from "../history/writer.ts";
import { writeReportHtml } from "../report/html.ts";
import { commonErrors, countMisfits } from "../report/error_summary.ts";
import type { RunContext } from "./run_context.ts";
import type { RunResult } from "./result.ts";

/** The report phase: the run's result, written as results.json and report.html. */
export async function report(
  run: RunContext,
  plan: PlannedFault[],
  nemesis: Nemesis,
  checks: NamedResult[],
): Promise<RunResult> {
  const events = run.history.events;
  const ops = operations(events);
  const cluster = run.cluster!;
  const result: RunResult = {
    version: 1,
    scenario: run.o.scenario.name,
    subject: run.o.subject,
    cluster: { kind: cluster.kind, members: cluster.members.length },
    seed: run.o.seed,
    ttl: run.o.ttl,
    durationMs: run.o.durationMs,
    faults: run.faults.map((f) => f.name),
    plan,
    skippedFaults: nemesis.skipped.map((p) => p.id),
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
    dir: run.dir,
    startedAt: run.started.toISOString(),
    elapsedMs: Math.round(wallClock() - run.origin),
  };
  await Deno.writeTextFile(`${run.dir}/results.json`, JSON.stringify(result, null, 2) + "\n");
  await writeReportHtml(run.dir, result, events);
  return result;
}
