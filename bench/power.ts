/**
 * Power of the checks: for every caught subject × its breaking faults (an
 * expectation of `invalid`) the share of `seeds` seeds it is caught on, and
 * for every reference subject the share of seeds it stays valid on under
 * `--faults all` (every fault the process cluster has, member faults too),
 * each at its expectation's duration. Seeds are 1…N, not the pinned ones:
 * the figure says how much a verdict depends on luck.
 */
import { runPairs } from "../lib/runner/run_pairs.ts";
import type { Pair } from "../lib/runner/run_pairs.ts";
import { loadScenario } from "../lib/runner/load_scenario.ts";
import { BUILTIN_SCENARIOS } from "../scenarios/mod.ts";

/** One row: a pair, what it was run under, and how many seeds gave the expected verdict. */
export interface PowerRow {
  scenario: string;
  subject: string;
  faults: string;
  /** "caught" rows expect invalid, "valid" rows expect valid. */
  kind: "caught" | "valid";
  durationMs: number;
  expected: number;
  runs: number;
  /** Seeds whose verdict was not the expected one. */
  missedSeeds: number[];
}

/** Runs every row's seeds, `jobs` runs at once; see the module comment. */
export async function power(seeds: number, jobs: number) {
  const pairs: Pair[] = [];
  const rowOf: number[] = [];
  const rows: PowerRow[] = [];
  for (const name of Object.keys(BUILTIN_SCENARIOS)) {
    const { scenario, url } = await loadScenario(name, BUILTIN_SCENARIOS);
    for (const e of scenario.expectations) {
      const reference = e.subject === scenario.defaultSubject && e.valid;
      if (!reference && e.valid) continue;
      const faults = reference ? ["all"] : e.faults;
      rows.push({
        scenario: name,
        subject: e.subject,
        faults: faults.join(","),
        kind: reference ? "valid" : "caught",
        durationMs: e.durationMs,
        expected: 0,
        runs: 0,
        missedSeeds: [],
      });
      for (let seed = 1; seed <= seeds; seed++) {
        // A drawn plan, not the expectation's exact one: this measures the luck the pin removes.
        pairs.push({ scenario, url, expectation: { ...e, faults, seed, plan: undefined } });
        rowOf.push(rows.length - 1);
      }
    }
  }
  const out = await Deno.makeTempDir({ prefix: "drills-bench-power-" });
  const t0 = performance.now();
  try {
    const { results } = await runPairs(pairs, {
      base: { members: 3, ttl: 2, outDir: out },
      override: {},
      jobs,
    });
    for (const [i, r] of results.entries()) {
      const row = rows[rowOf[i]];
      row.runs++;
      if (r.valid === (row.kind === "valid")) row.expected++;
      else row.missedSeeds.push(r.seed);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
  return { seeds, jobs, seconds: Math.round((performance.now() - t0) / 1000), rows };
}
