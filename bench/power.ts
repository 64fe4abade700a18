/**
 * Power of the checks: for every caught subject × its breaking faults (an
 * expectation of `invalid`) the share of `seeds` seeds it is caught on, and
 * for every reference subject the share of seeds it stays valid on under
 * `--faults all` (every fault the process cluster has, member faults too)
 * at the default duration, as an operator first runs it, with the deciding
 * checks that judged nothing on some seed (such a run is not valid). Caught
 * rows run at their expectation's duration. Seeds are 1…N, not the pinned
 * ones: the figure says how much a verdict depends on luck.
 *
 * Each seed runs in a runner process of its own (`runInChild`): a process
 * that dies without a verdict (Deno 2.9.6 can abort inside its HTTP/2 code
 * when a member's graceful stop sends GOAWAY, README "Known limits") costs
 * that seed, which is run once more and named in `crashed`, not the hour.
 */
import { runInChild } from "../lib/runner/run_in_child.ts";
import type { Expectation } from "../lib/scenario.ts";
import type { RunResult } from "../lib/runner/result.ts";
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
  /** Seeds whose runner process ended without a verdict, with its last line (run again once). */
  crashed: Record<number, string>;
}

/** Which rows {@link power} runs: kinds of row, scenarios (default all of both). */
export interface PowerSelection {
  kinds?: readonly PowerRow["kind"][];
  /** Scenarios (`lock`) or single pairs (`election/etcd3`). */
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
  const runs: { row: number; args: string[]; seed: number }[] = [];
  const rows: PowerRow[] = [];
  const wanted = select.scenarios ?? Object.keys(BUILTIN_SCENARIOS);
  const names = [...new Set(wanted.map((w) => w.split("/")[0]))];
  for (const name of names) {
    const { scenario } = await loadScenario(name, BUILTIN_SCENARIOS);
    for (const e of scenario.expectations) {
      if (!wanted.includes(name) && !wanted.includes(`${name}/${e.subject}`)) continue;
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
        crashed: {},
      });
      for (let seed = 1; seed <= seeds; seed++) {
        // A drawn plan, not the expectation's exact one: this measures the luck the pin removes.
        const args = pairArgs(name, e, faults, seed, durationMs);
        runs.push({ row: rows.length - 1, args, seed });
      }
    }
  }
  const out = await Deno.makeTempDir({ prefix: "drills-bench-power-" });
  const t0 = performance.now();
  let missed = false;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < runs.length) {
      const i = next++;
      const { row: at, args, seed } = runs[i];
      const row = rows[at];
      const result = await runSeed(args, `${out}/${i}`, (why) => row.crashed[seed] = why);
      done++;
      const verdict = !result
        ? "no verdict"
        : result.valid === true
        ? "valid"
        : result.valid === false
        ? "INVALID"
        : "unknown";
      // An hour of runs says how far it got: one line per seed, on stderr beside the section's.
      console.error(
        `power ${done}/${runs.length}: ${row.scenario}/${row.subject} seed ${seed} ${verdict}`,
      );
      if (!result) continue;
      row.runs++;
      const deciding = result.checks.filter((c) => c.decides);
      for (const c of deciding.filter((c) => c.judged === 0)) {
        row.unjudged[c.name] = (row.unjudged[c.name] ?? 0) + 1;
      }
      if (result.valid === (row.kind === "valid")) {
        row.expected++;
        await Deno.remove(`${out}/${i}`, { recursive: true });
      } else {
        missed = true;
        row.missedSeeds.push(seed);
        const want = row.kind === "valid";
        row.missedChecks[seed] = deciding.filter((c) => c.valid !== want).map((c) =>
          `${c.name}=${c.valid}`
        );
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, worker));
  } finally {
    if (!missed) await Deno.remove(out, { recursive: true });
  }
  for (const row of rows) row.missedSeeds.sort((a, b) => a - b);
  const seconds = Math.round((performance.now() - t0) / 1000);
  return { seeds, jobs, seconds, rows, ...(missed ? { kept: out } : {}) };
}

/** The CLI arguments of one seed of a row: what `run all` would run, with this seed's drawn plan. */
function pairArgs(
  scenario: string,
  e: Expectation,
  faults: string[],
  seed: number,
  durationMs: number,
): string[] {
  const args = [scenario, "--subject", e.subject, "--faults", faults.join(",")];
  args.push("--seed", String(seed), "--duration", `${durationMs}ms`, "--members", "3");
  args.push("--ttl", "2");
  if (e.faultIntervalMs !== undefined) args.push("--fault-interval", `${e.faultIntervalMs}ms`);
  return args;
}

/**
 * One seed's result, run again once when its runner process ended without a
 * verdict (`crashed` hears why); undefined when both tries did.
 */
export async function runSeed(
  args: string[],
  dir: string,
  crashed: (why: string) => void,
): Promise<RunResult | undefined> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.mkdir(dir, { recursive: true });
    const r = await runInChild(args, dir);
    if (r.result) return r.result;
    crashed(`try ${attempt}: exit ${r.signal ?? r.code}: ${r.lastError}`);
  }
  return undefined;
}
