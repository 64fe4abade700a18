/**
 * `run all`: every scenario × subject pair a scenario expects a verdict for,
 * `jobs` at a time. Pairs whose faults are all node faults run on one
 * cluster they share (each under its own key prefix); a pair with a member
 * fault (or `compact`, which acts on every key), or of a scenario that reads
 * the whole cluster (`Scenario.needsOwnCluster`), gets a cluster of its own.
 * Results come back in the pairs' order, whatever order they finish in.
 */
import type { Expectation, Scenario } from "../lib/scenario/scenario.ts";
import { EXPECTATION_DEFAULTS } from "../lib/scenario/scenario.ts";
import type { Cluster } from "../lib/cluster/cluster.ts";
import { startCluster } from "../lib/cluster/create.ts";
import { FAULTS } from "../chaos/mod.ts";
import { parsePlanFile } from "../lib/faults/plan_file.ts";
import { splitFaultEntry } from "../lib/faults/choices.ts";
import type { NamedResult } from "../lib/checks/checker.ts";
import { runScenario } from "../lib/runner/run.ts";
import type { RunOptions } from "../lib/runner/options.ts";
import type { RunResult } from "../lib/report/result.ts";
import { convergenceCheck } from "../lib/runner/convergence.ts";
import { makeRunDir } from "../lib/runner/run_dir.ts";
import { HarnessError, UsageError } from "../lib/proc/errors.ts";

/** One scenario × subject pair and the verdict expected of it. */
export interface Pair {
  scenario: Scenario;
  /** URL of the scenario module. */
  url: string;
  expectation: Expectation;
}

/** What the caller fixes for every pair; `override` replaces the expectation's own values. */
export interface PairOptions {
  base: Omit<
    RunOptions,
    "scenario" | "scenarioUrl" | "subject" | "faults" | "seed" | "durationMs" | "faultIntervalMs"
  >;
  /** Set by the user's flags: used instead of what each expectation pins. */
  override: { faults?: string[]; seed?: number; durationMs?: number; faultIntervalMs?: number };
  /** Pairs running at once (1: one after another, each on a cluster of its own). */
  jobs: number;
  /** Called as each pair starts and ends (index into `pairs`). */
  onStart?: (i: number) => void;
  onEnd?: (i: number, r: RunResult) => void;
}

/** The results, in the order of `pairs`, and the shared cluster's convergence (if there was one). */
export interface PairsOutcome {
  results: RunResult[];
  shared?: NamedResult;
}

/**
 * The pairs `--only` names: each entry a scenario (all its pairs) or
 * `scenario/subject`, in the pairs' own order. An entry that names no pair
 * is a usage error saying which names there are.
 */
export function selectPairs(pairs: readonly Pair[], only: string): Pair[] {
  const names = only.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) {
    throw new UsageError(
      `--only ${JSON.stringify(only)}: name scenarios or scenario/subject pairs`,
    );
  }
  const label = (p: Pair) => `${p.scenario.name}/${p.expectation.subject}`;
  for (const n of names) {
    if (!pairs.some((p) => p.scenario.name === n || label(p) === n)) {
      const known = [...new Set(pairs.map(label))].join(", ");
      throw new UsageError(`--only ${n}: no such pair in run all; there are ${known}`);
    }
  }
  return pairs.filter((p) => names.some((n) => p.scenario.name === n || label(p) === n));
}

/** The options of one pair's run: the expectation's pinned seed, duration and plan unless overridden. */
export function pairRun(p: Pair, o: PairOptions): RunOptions {
  const e = p.expectation;
  const seed = o.override.seed ?? e.seed ?? EXPECTATION_DEFAULTS.seed;
  const durationMs = o.override.durationMs ?? e.durationMs ?? EXPECTATION_DEFAULTS.durationMs;
  const ttl = o.base.ttl;
  const usePlan = e.plan && o.override.faults === undefined && o.base.faultPlan === undefined;
  const faultPlan = usePlan
    ? parsePlanFile(JSON.stringify(e.plan), {
      faults: FAULTS,
      durationMs,
      ttlMs: ttl * 1000,
      seed,
      source: `${p.scenario.name}/${e.subject} expectation`,
    })
    : o.base.faultPlan;
  return {
    ...o.base,
    faultPlan,
    scenario: p.scenario,
    scenarioUrl: p.url,
    subject: e.subject,
    faults: o.override.faults ?? e.faults,
    seed,
    durationMs,
    faultIntervalMs: o.override.faultIntervalMs ?? e.faultIntervalMs ?? 3000,
  };
}

/**
 * Whether a run of these options may share a cluster: node faults only (none
 * that acts on every key), and a scenario whose checks look only at its keys.
 */
export function canShare(r: RunOptions): boolean {
  if (r.scenario.needsOwnCluster !== undefined) return false;
  const names = r.faultPlan ? r.faultPlan.map((f) => f.fault) : r.faults;
  if (names.includes("all")) return false;
  return names.every((entry) => {
    const n = splitFaultEntry(entry).name;
    return n === "none" || FAULTS.find((f) => f.name === n)?.side === "node";
  });
}

/** Runs every pair, `jobs` at a time; see the module comment. */
export async function runPairs(pairs: readonly Pair[], o: PairOptions): Promise<PairsOutcome> {
  const runs = pairs.map((p) => pairRun(p, o));
  const kind = o.base.cluster?.kind ?? "process";
  const sharing = o.jobs > 1 && kind !== "external" && runs.some(canShare);
  let shared: Cluster | undefined;
  let forgetSignals = () => {};
  const results: RunResult[] = new Array(pairs.length);
  try {
    if (sharing) {
      const dir = await makeRunDir(o.base.outDir, "shared", "cluster", 0, new Date());
      shared = await startCluster({
        kind,
        ...o.base.cluster,
        members: o.base.members,
        logDir: `${dir}/etcd`,
      });
      await shared.waitReady(30_000);
    }
    // Pairs with a cluster of their own first: they take longest to set up.
    const order = runs.map((_, i) => i).sort((a, b) =>
      Number(sharing && canShare(runs[a])) - Number(sharing && canShare(runs[b])) || a - b
    );
    let next = 0;
    let failure: unknown;
    // After a Ctrl-C (the clean-up registry tears down what runs), start no further pair.
    let stopped = false;
    const stop = () => stopped = true;
    for (const sig of SIGNALS) Deno.addSignalListener(sig, stop);
    forgetSignals = () => SIGNALS.forEach((sig) => Deno.removeSignalListener(sig, stop));
    const worker = async () => {
      while (next < order.length && failure === undefined && !stopped) {
        const i = order[next++];
        o.onStart?.(i);
        try {
          const r = await runScenario({
            ...runs[i],
            sharedCluster: sharing && canShare(runs[i]) ? shared : undefined,
          });
          results[i] = r;
          o.onEnd?.(i, r);
        } catch (e) {
          failure ??= e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.jobs, runs.length) }, worker));
    if (failure !== undefined) throw failure;
    if (stopped) throw new HarnessError("run all stopped by a signal before every pair ran");
    const converged = shared ? await convergenceCheck(shared, 10_000) : undefined;
    return { results, shared: converged };
  } finally {
    forgetSignals();
    await shared?.stop();
  }
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
