/** One run of one scenario: `deno task run lock --subject naive …`; the exit code. */
import { UsageError } from "../lib/proc/errors.ts";
import { loadScenario } from "../lib/runner/load_scenario.ts";
import type { ScenarioRegistry } from "../lib/runner/load_scenario.ts";
import { runScenario } from "../lib/runner/run.ts";
import { resolveSubject } from "../lib/subjects/resolve.ts";
import { runSummary, verdictText } from "../lib/report/table.ts";
import { junitXml } from "../lib/report/junit.ts";
import { planFaultNames } from "../lib/faults/plan_file.ts";
import { loadFaultPlugins } from "../chaos/mod.ts";
import { withFaultSettings } from "./cluster_flags.ts";
import { dryRun } from "./dry_run.ts";
import { faultList } from "./run_options.ts";
import type { BaseOptions } from "./run_options.ts";
import type { Flags } from "./flags.ts";

/** Runs the scenario `name` (or a plugin's path) with the flags' subject and faults. */
export async function runOne(
  scenarios: ScenarioRegistry,
  name: string,
  base: BaseOptions,
  flags: Flags,
): Promise<number> {
  if (flags.expect) {
    throw new UsageError(
      `--expect on one run needs the verdict you expect: --expect valid or --expect invalid`,
    );
  }
  const { scenario, url } = await loadScenario(name, scenarios);
  const subject = flags.subject ?? scenario.defaultSubject;
  await resolveSubject(scenario, subject);
  const faults = faultList(flags) ?? scenario.defaultFaults;
  await loadFaultPlugins(faults);
  const options = {
    ...base,
    cluster: withFaultSettings(base.cluster, base.faultPlan ? planFaultNames(base.faultPlan) : faults),
    scenario,
    scenarioUrl: url,
    subject,
    faults,
  };
  if (flags["dry-run"]) {
    await dryRun(options);
    return 0;
  }
  console.log(`seed ${base.seed}`);
  const result = await runScenario(options);
  console.log(runSummary(result));
  if (flags.junit) {
    const expectValid = flags.expectVerdict ? flags.expectVerdict === "valid" : undefined;
    await Deno.writeTextFile(flags.junit, junitXml([{ result, expectValid }]));
  }
  if (!flags.expectVerdict) return result.valid === true ? 0 : 1;
  const matched = result.valid === (flags.expectVerdict === "valid");
  console.log(
    `expected ${flags.expectVerdict}, got ${verdictText(result.valid)}: ${
      matched ? "matches" : "does NOT match"
    }`,
  );
  return matched ? 0 : 1;
}
