/**
 * `deno task mutants [--only NAME,NAME] [--fast]`: runs each mutant of the
 * catalogue as the scenario's subject (one run at a time, through the CLI,
 * with its pinned seed) and prints whether the checks caught it, missed it,
 * or it is equivalent (and then came out valid). Exit 0 when every mutant
 * not shown equivalent was caught and every equivalent one came out valid.
 */
import { parseArgs } from "node:util";
import { MUTANTS } from "./catalogue.ts";
import type { Mutant } from "./catalogue.ts";
import { table } from "../lib/report/table.ts";
import { runInChild } from "../cli/run_in_child.ts";

/** What one mutant run came to. */
export interface MutantOutcome {
  mutant: Mutant;
  /** caught, missed, equivalent, or error (the run itself failed). */
  status: "caught" | "missed" | "equivalent" | "error";
  verdict: string;
  /** The deciding checks that were not valid. */
  failing: string[];
  note: string;
}

/** Runs one mutant through the CLI in a temp out dir (removed afterwards). */
export async function runMutant(m: Mutant): Promise<MutantOutcome> {
  const out = await Deno.makeTempDir({ prefix: "drills-mutant-" });
  try {
    const module = new URL(m.module, import.meta.url).pathname;
    const args = [m.scenario, "--subject", module, "--seed", String(m.seed)];
    args.push("--duration", `${m.durationS}s`);
    if (m.faults) args.push("--faults", m.faults.join(","));
    const { result, lastError } = await runInChild(args, out);
    if (!result) {
      return { mutant: m, status: "error", verdict: "-", failing: [], note: lastError };
    }
    const failing = result.checks.filter((c) => c.decides && c.valid !== true).map((c) => c.name);
    const verdict = result.valid === true
      ? "valid"
      : result.valid === false
      ? "INVALID"
      : "unknown";
    if (m.equivalent) {
      // Equivalent: the checks cannot tell it from the reference. Not caught is what counts; an
      // unknown (a liveness check this run did not exercise) says the same.
      return result.valid !== false
        ? { mutant: m, status: "equivalent", verdict, failing, note: m.equivalent }
        : {
          mutant: m,
          status: "caught",
          verdict,
          failing,
          note: "marked equivalent, yet caught: the reason does not hold",
        };
    }
    return {
      mutant: m,
      status: result.valid === false ? "caught" : "missed",
      verdict,
      failing,
      note: result.valid === false ? "" : "the checks did not catch this defect",
    };
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
}

/** Whether the outcome is the one the catalogue promises. */
export function asPromised(o: MutantOutcome): boolean {
  return o.mutant.equivalent ? o.status === "equivalent" : o.status === "caught";
}

const HELP = `deno task mutants: run the catalogue of small defects against the checkers.

Usage:
  deno task mutants [--fast] [--only NAME,NAME]

  --fast        only the mutants marked fast (the ones the test suite runs)
  --only N,N    only these mutants (names as in scenarios/*/mutants/mod.ts)
  -h, --help    this help

Exit codes: 0 every mutant as the catalogue says, 1 one is not, 2 bad input.`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        only: { type: "string" },
        fast: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    console.error(`error: ${(e as Error).message}: see deno task mutants --help`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let chosen = values.fast ? MUTANTS.filter((m) => m.fast) : MUTANTS;
  if (values.only !== undefined) {
    const names = values.only.split(",").map((s) => s.trim());
    const unknown = names.filter((n) => !MUTANTS.some((m) => m.name === n));
    if (unknown.length > 0) {
      console.error(
        `error: unknown mutant ${unknown[0]}: choose from ${MUTANTS.map((m) => m.name).join(", ")}`,
      );
      return 2;
    }
    chosen = chosen.filter((m) => names.includes(m.name));
  }
  const outcomes: MutantOutcome[] = [];
  for (const m of chosen) {
    console.error(`mutant ${m.name} (${m.scenario}, seed ${m.seed}, ${m.durationS} s)…`);
    outcomes.push(await runMutant(m));
  }
  console.log(table(
    ["mutant", "scenario", "defect", "verdict", "result", "failing checks / reason"],
    outcomes.map((o) => [
      o.mutant.name,
      o.mutant.scenario,
      o.mutant.defect,
      o.verdict,
      asPromised(o) ? o.status : o.status.toUpperCase(),
      o.status === "equivalent" ? `equivalent: ${o.note}` : o.failing.join(",") || o.note || "-",
    ]),
  ));
  const bad = outcomes.filter((o) => !asPromised(o));
  console.log(
    bad.length === 0
      ? `${outcomes.length} mutant(s): every one caught or shown equivalent`
      : `${bad.length} of ${outcomes.length} mutant(s) not as promised: ${
        bad.map((o) => o.mutant.name).join(", ")
      }`,
  );
  return bad.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
