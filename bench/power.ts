/**
 * Power of the checks: for every caught subject × its breaking faults (an
 * expectation of `invalid`) the share of `seeds` seeds it is caught on, and
 * for every reference subject the share of seeds it stays valid on under
 * `--faults all` (every fault the process cluster has, member faults too)
 * at the default duration, as an operator first runs it, with the deciding
 * checks that judged nothing on some seed (such a run is not valid). Caught
 * rows run at their expectation's duration. Seeds are 1…N, not the pinned
 * ones: the figure says how much a verdict depends on luck.
 */
import { runPairs } from "../lib/runner/run_pairs.ts";
import type { Pair } from "../lib/runner/run_pairs.ts";
import { loadScenario } from "../lib/runner/load_scenario.ts";
import { EXPECTATION_DEFAULTS } from "../lib/scenario.ts";
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
  /** Per seed missed, the deciding checks that did not give the expected verdict. */
  missedChecks: Record<number, string[]>;
  /** Deciding checks that judged nothing, with the number of seeds they did so on. */
  unjudged: Record<string, number>;
}

/** Which rows {@link power} runs: kinds of row, scenarios (default all of both). */
export interface PowerSelection {
  kinds?: readonly PowerRow["kind"][];
  scenarios?: readonly string[];
  /** Every row at this duration, ms (e.g. the default 30 s for caught rows too). */
  durationMs?: number;
}

/**
 * Runs every selected row's seeds, `jobs` runs at once; see the module
 * comment. The run directories are removed unless a seed missed: then they
 * stay for the evidence, and `kept` names where.
 */
export async function power(seeds: number, jobs: number, select: PowerSelection = {}) {
  const kinds = select.kinds ?? ["caught", "valid"];
  const pairs: Pair[] = [];
  const rowOf: number[] = [];
  const rows: PowerRow[] = [];
  for (const name of select.scenarios ?? Object.keys(BUILTIN_SCENARIOS)) {
    const { scenario, url } = await loadScenario(name, BUILTIN_SCENARIOS);
    for (const e of scenario.expectations) {
      const reference = e.subject === scenario.defaultSubject && e.valid;
      if (!reference && e.valid) continue;
      if (!kinds.includes(reference ? "valid" : "caught")) continue;
      const faults = reference ? ["all"] : e.faults;
      const durationMs = select.durationMs ??
        (reference
          ? EXPECTATION_DEFAULTS.durationMs
          : e.durationMs ?? EXPECTATION_DEFAULTS.durationMs);
      rows.push({
        scenario: name,
        subject: e.subject,
        faults: faults.join(","),
        kind: reference ? "valid" : "caught",
        durationMs,
        expected: 0,
        runs: 0,
        missedSeeds: [],
        missedChecks: {},
        unjudged: {},
      });
      for (let seed = 1; seed <= seeds; seed++) {
        // A drawn plan, not the expectation's exact one: this measures the luck the pin removes.
        pairs.push({
          scenario,
          url,
          expectation: { ...e, faults, seed, durationMs, plan: undefined },
        });
        rowOf.push(rows.length - 1);
      }
    }
  }
  const out = await Deno.makeTempDir({ prefix: "drills-bench-power-" });
  const t0 = performance.now();
  let missed = false;
  try {
    const { results } = await runPairs(pairs, {
      base: { members: 3, ttl: 2, outDir: out },
      override: {},
      jobs,
    });
    for (const [i, r] of results.entries()) {
      const row = rows[rowOf[i]];
      row.runs++;
      const deciding = r.checks.filter((c) => c.decides);
      for (const c of deciding.filter((c) => c.judged === 0)) {
        row.unjudged[c.name] = (row.unjudged[c.name] ?? 0) + 1;
      }
      if (r.valid === (row.kind === "valid")) {
        row.expected++;
        await Deno.remove(r.dir, { recursive: true });
      } else {
        missed = true;
        row.missedSeeds.push(r.seed);
        const want = row.kind === "valid";
        row.missedChecks[r.seed] = deciding.filter((c) => c.valid !== want).map((c) =>
          `${c.name}=${c.valid}`
        );
      }
    }
  } finally {
    if (!missed) await Deno.remove(out, { recursive: true });
  }
  const seconds = Math.round((performance.now() - t0) / 1000);
  return { seeds, jobs, seconds, rows, ...(missed ? { kept: out } : {}) };
}
