/**
 * Power of the checks, three kinds of row:
 * - `caught`: every caught subject × its breaking faults (an expectation of
 *   `invalid`), the share of `seeds` seeds it is caught on with a drawn plan
 *   at the default duration, as a user first runs it;
 * - `pinned`: the same expectation as `run all` runs it (its exact plan, if
 *   it has one, and its duration), on other seeds than the pinned one: how
 *   much CI's verdict leans on its seed (the plan's targets and the
 *   workload's timing still vary);
 * - `valid`: every reference subject, the share of seeds it stays valid on
 *   under `--faults all` (every fault the process cluster has, member
 *   faults too) at the default duration, with the deciding checks that
 *   judged nothing on some seed (such a run is not valid).
 * Seeds are 1…N: the figure says how much a verdict depends on luck.
 *
 * Each seed runs in a runner process of its own (`runInChild`): a process
 * that dies without a verdict (Deno 2.9.6 can abort inside its HTTP/2 code
 * when a member's graceful stop sends GOAWAY, README "Known limits") costs
 * that seed, which is run once more and named in `crashed`, not the hour.
 */
import { runInChild } from "../cli/run_in_child.ts";
import type { Expectation } from "../lib/scenario/scenario.ts";
import type { RunResult } from "../lib/report/result.ts";
import { loadScenario } from "../lib/runner/load_scenario.ts";
import { EXPECTATION_DEFAULTS } from "../lib/scenario/scenario.ts";
import { BUILTIN_SCENARIOS } from "../scenarios/mod.ts";
import { UsageError } from "../lib/proc/errors.ts";

/** One row: a pair, what it was run under, and how many seeds gave the expected verdict. */
export interface PowerRow {
  scenario: string;
  subject: string;
  faults: string;
  /** "caught" and "pinned" rows expect invalid, "valid" rows expect valid. */
  kind: "caught" | "pinned" | "valid";
  /** A pinned row's exact plan, when its expectation has one. */
  planned?: boolean;
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
  /** Every caught and valid row at this duration, ms (pinned rows keep their expectation's). */
  durationMs?: number;
}

/**
 * Runs every selected row's seeds, `jobs` runs at once; see the module
 * comment. The run directories are removed unless a seed missed: then they
 * stay for the evidence, and `kept` names where.
 */
export async function power(seeds: number, jobs: number, select: PowerSelection = {}) {
  const out = await Deno.makeTempDir({ prefix: "drills-bench-power-" });
  let missed = false;
  try {
    const { rows, runs } = await selectRuns(out, seeds, select);
    // Longest runs first, so the section does not end on one long run while the other jobs idle.
    runs.sort((a, b) => rows[b.row].durationMs - rows[a.row].durationMs);
    const t0 = performance.now();
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
          `power ${done}/${runs.length}: ${row.scenario}/${row.subject} ${row.kind} seed ${seed} ${verdict}`,
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
    await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, worker));
    for (const row of rows) row.missedSeeds.sort((a, b) => a - b);
    const seconds = Math.round((performance.now() - t0) / 1000);
    return { seeds, jobs, seconds, rows, ...(missed ? { kept: out } : {}) };
  } finally {
    if (!missed) await Deno.remove(out, { recursive: true });
  }
}

/** The kinds of row, in the order a scenario's rows come. */
export const ROW_KINDS: readonly PowerRow["kind"][] = ["caught", "pinned", "valid"];

/** One row to run: a scenario's expectation and the kind of row it gives. */
interface Choice {
  name: string;
  e: Expectation;
  kind: PowerRow["kind"];
}

/**
 * The rows `select` asks for, checked before anything runs: a scenario or
 * pair it names that gives no row of the kinds asked for is a
 * {@link UsageError}.
 */
export async function chooseRows(select: PowerSelection): Promise<Choice[]> {
  const kinds = select.kinds ?? ROW_KINDS;
  const wanted = select.scenarios ?? Object.keys(BUILTIN_SCENARIOS);
  const chosen: Choice[] = [];
  for (const name of new Set(wanted.map((w) => w.split("/")[0]))) {
    const { scenario } = await loadScenario(name, BUILTIN_SCENARIOS);
    for (const e of scenario.expectations) {
      if (!wanted.includes(name) && !wanted.includes(`${name}/${e.subject}`)) continue;
      const reference = e.subject === scenario.defaultSubject && e.valid;
      if (!reference && e.valid) continue;
      // A pinned row with neither a plan nor a shorter duration would run the caught row again.
      const sameAsCaught = !e.plan && (e.durationMs ?? EXPECTATION_DEFAULTS.durationMs) ===
          (select.durationMs ?? EXPECTATION_DEFAULTS.durationMs);
      const rowKinds: PowerRow["kind"][] = reference
        ? ["valid"]
        : sameAsCaught && kinds.includes("caught")
        ? ["caught"]
        : ["caught", "pinned"];
      for (const kind of rowKinds.filter((k) => kinds.includes(k))) chosen.push({ name, e, kind });
    }
  }
  for (const w of wanted) {
    if (!chosen.some((c) => c.name === w || `${c.name}/${c.e.subject}` === w)) {
      throw new UsageError(
        `BENCH_POWER_SCENARIOS: ${w} gives no ${
          kinds.join(" or ")
        } row: name a scenario (lock) or one of its caught or reference subjects (election/etcd3)`,
      );
    }
  }
  return chosen;
}

/** The selected rows and their runs (seeds 1…N each); an exact plan is written into `out`. */
async function selectRuns(out: string, seeds: number, select: PowerSelection) {
  const runs: { row: number; args: string[]; seed: number }[] = [];
  const rows: PowerRow[] = [];
  for (const { name, e, kind } of await chooseRows(select)) {
    const pinned = kind === "pinned";
    const durationMs = pinned
      ? e.durationMs ?? EXPECTATION_DEFAULTS.durationMs
      : select.durationMs ?? EXPECTATION_DEFAULTS.durationMs;
    const faults = kind === "valid" ? ["all"] : e.faults;
    const row = rows.length;
    let plan: string | undefined;
    if (pinned && e.plan) {
      plan = `${out}/plan-${row}.json`;
      await Deno.writeTextFile(plan, JSON.stringify(e.plan));
    }
    rows.push({
      scenario: name,
      subject: e.subject,
      faults: faults.join(","),
      kind,
      ...(plan ? { planned: true } : {}),
      durationMs,
      expected: 0,
      runs: 0,
      missedSeeds: [],
      missedChecks: {},
      unjudged: {},
      crashed: {},
    });
    for (let seed = 1; seed <= seeds; seed++) {
      const schedule = plan ? ["--faults-file", plan] : ["--faults", faults.join(",")];
      const args = pairArgs(name, e, schedule, seed, durationMs);
      runs.push({ row, args, seed });
    }
  }
  return { rows, runs };
}

/**
 * The CLI arguments of one seed of a row: what `run all` would run, with this
 * seed; `schedule` is `--faults` (a plan drawn from the seed) or
 * `--faults-file` (an exact plan, its targets drawn from the seed) with its value.
 */
function pairArgs(
  scenario: string,
  e: Expectation,
  schedule: string[],
  seed: number,
  durationMs: number,
): string[] {
  const args = [scenario, "--subject", e.subject, ...schedule];
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
