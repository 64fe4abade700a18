/**
 * `deno task run all`: every built-in scenario × the subjects it expects a verdict for, N pairs at
 * a time (cli/run_all.ts), then the table, the JUnit file and the exit code of `--expect`.
 */
import { loadScenario } from "../lib/runner/load_scenario.ts";
import type { ScenarioRegistry } from "../lib/runner/load_scenario.ts";
import { table, verdictText } from "../lib/report/table.ts";
import { junitXml } from "../lib/report/junit.ts";
import type { JunitCase } from "../lib/report/junit.ts";
import { planFaultNames } from "../lib/faults/plan_file.ts";
import { loadFaultPlugins } from "../chaos/mod.ts";
import { pairRun, runPairs, selectPairs } from "./run_all.ts";
import { dryRun } from "./dry_run.ts";
import type { Pair } from "./run_all.ts";
import { withFaultSettings } from "./cluster_flags.ts";
import { faultList } from "./run_options.ts";
import type { BaseOptions } from "./run_options.ts";
import type { Flags } from "./flags.ts";
import { buildGoSubjects } from "../go/build.ts";
import { GO_SUBJECTS } from "../go/subjects.ts";

/** Runs the pairs and prints their table; the exit code. */
export async function runAll(
  scenarios: ScenarioRegistry,
  base: BaseOptions,
  flags: Flags,
  jobs: number,
): Promise<number> {
  let pairs: Pair[] = [];
  for (const name of Object.keys(scenarios)) {
    const { scenario, url } = await loadScenario(name, scenarios);
    for (const expectation of scenario.expectations) pairs.push({ scenario, url, expectation });
  }
  if (flags.only !== undefined) pairs = selectPairs(pairs, flags.only);
  const faults = faultList(flags);
  await loadFaultPlugins(faults ?? []);
  const override = {
    faults,
    seed: flags.seed === undefined ? undefined : base.seed,
    durationMs: flags.duration === undefined ? undefined : base.durationMs,
    faultIntervalMs: flags["fault-interval"] === undefined ? undefined : base.faultIntervalMs,
  };
  // Pairs of the Go subjects need their programs: built first (seconds with Go's cache warm).
  const go: readonly string[] = GO_SUBJECTS;
  if (!flags["dry-run"] && pairs.some((p) => go.includes(p.expectation.subject))) {
    await buildGoSubjects();
  }
  if (flags["dry-run"]) {
    for (const p of pairs) await dryRun(pairRun(p, { base, override, jobs }));
    return 0;
  }
  const label = (i: number) => `${pairs[i].scenario.name}/${pairs[i].expectation.subject}`;
  const t0 = performance.now();
  const since = () => `${Math.round((performance.now() - t0) / 1000)} s`;
  console.log(`${pairs.length} pairs, ${jobs} at a time`);
  const { results, shared } = await runPairs(pairs, {
    // With several pairs at once their progress lines would interleave: one line per pair instead.
    base: {
      ...base,
      // nospace needs its small quota; built-in expectations never draw it, so only --faults asks.
      cluster: withFaultSettings(base.cluster, [
        ...(faults ?? []),
        ...(base.faultPlan ? planFaultNames(base.faultPlan) : []),
      ]),
      progress: base.progress && jobs === 1,
    },
    override,
    jobs,
    onStart: (i) => base.progress && jobs > 1 && console.error(`[${since()}] start ${label(i)}`),
    onEnd: (i, r) =>
      base.progress && jobs > 1 &&
      console.error(`[${since()}] done  ${label(i)}: ${verdictText(r.valid)}`),
  });
  const rows: string[][] = [];
  const cases: JunitCase[] = [];
  let matched = true;
  let allValid = true;
  for (const [i, r] of results.entries()) {
    const e = pairs[i].expectation;
    cases.push({ result: r, expectValid: e.valid });
    const ok = r.valid === e.valid;
    matched &&= ok;
    allValid &&= r.valid === true;
    const failing = r.checks.filter((c) => c.decides && c.valid !== true).map((c) => c.name);
    rows.push([
      pairs[i].scenario.name,
      e.subject,
      r.faults.join(",") || "none",
      String(r.seed),
      `${r.durationMs / 1000} s`,
      verdictText(r.valid),
      e.valid ? "valid" : "INVALID",
      ok ? "yes" : "NO",
      failing.join(",") || "-",
      r.dir,
    ]);
  }
  console.log(table(HEADINGS, rows));
  if (shared) {
    // The shared cluster is whole once every pair on it ended; if not, no verdict on it stands.
    console.log(`shared cluster: ${verdictText(shared.valid)}: ${shared.summary}`);
    matched &&= shared.valid === true;
    allValid &&= shared.valid === true;
  }
  console.log(`${pairs.length} pairs in ${since()} (${jobs} at a time)`);
  if (flags.junit) await Deno.writeTextFile(flags.junit, junitXml(cases));
  if (flags.expect) {
    console.log(
      matched
        ? "every verdict matched its expectation"
        : "some verdicts did NOT match their expectation",
    );
    return matched ? 0 : 1;
  }
  return allValid ? 0 : 1;
}

const HEADINGS = [
  "scenario",
  "subject",
  "faults",
  "seed",
  "duration",
  "verdict",
  "expected",
  "match",
  "failing checks",
  "run directory",
];
