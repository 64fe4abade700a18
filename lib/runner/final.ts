import type { RunContext } from "./run_context.ts";
import type { StartedRun } from "./started_run.ts";

/** The final phase: the scenario's reads of etcd (written to final.json), then the run's keys go. */
export async function finalReads(run: RunContext, s: StartedRun): Promise<unknown> {
  const sc = run.o.scenario;
  const final = sc.finalReads ? await sc.finalReads(s.admin, run.prefix) : undefined;
  await Deno.writeTextFile(`${run.dir}/final.json`, JSON.stringify(final, null, 2));
  // Keys left behind are no reason to lose the verdict: say so; close() tries once more.
  await s.removeKeys().catch((e) =>
    console.error(`warning: the run's keys below ${run.prefix} were not deleted yet: ${e}`)
  );
  return final;
}
