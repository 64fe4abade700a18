/** The options every run shares, from the flags: sizes, times, seed, output, cluster, faults file. */
import { UsageError } from "../lib/proc/errors.ts";
import { parseDurationIn } from "../lib/runner/duration.ts";
import type { RunOptions } from "../lib/runner/options.ts";
import { loadPlanFile } from "../lib/faults/plan_file.ts";
import type { PlannedFault } from "../lib/faults/schedule.ts";
import { CATALOGUE, FAULTS } from "../chaos/mod.ts";
import { integer } from "./args.ts";
import { parseSlo } from "../lib/report/cost/slo.ts";
import { clusterSettings } from "./cluster_flags.ts";
import { DEFAULT_JOBS } from "./flags.ts";
import type { Flags } from "./flags.ts";

/** What one run or every pair of `run all` starts from: all of RunOptions but what a pair names. */
export type BaseOptions = Omit<RunOptions, "scenario" | "scenarioUrl" | "subject" | "faults">;

/** Reads the shared options; every bad value is refused here, before anything starts. */
export async function baseOptions(flags: Flags, all: boolean): Promise<BaseOptions> {
  const cluster = clusterSettings(flags, all);
  if (flags.faults !== undefined && flags.faults.split(",").every((s) => s.trim() === "")) {
    throw new UsageError(`--faults ${JSON.stringify(flags.faults)}: name faults, or all, or none`);
  }
  const members = integer(flags.members ?? "3", "--members", 1, 5, "a cluster's member count is")!;
  if (![1, 3, 5].includes(members)) {
    throw new UsageError(`--members ${members}: a cluster has 1, 3 or 5 members`);
  }
  const base: BaseOptions = {
    members,
    nodes: integer(
      flags.nodes,
      "--nodes",
      1,
      500,
      "the number of simulated nodes is a whole number",
    ),
    durationMs: parseDurationIn(flags.duration ?? "30s", "--duration", {
      minMs: 1000,
      maxMs: 24 * 3_600_000,
      what: "the workload's length",
    }),
    // Below 100 ms the schedule would be nothing but faults; the nemesis cannot keep up.
    faultIntervalMs: parseDurationIn(flags["fault-interval"] ?? "3s", "--fault-interval", {
      minMs: 100,
      maxMs: 3_600_000,
      what: "the mean gap between fault starts",
    }),
    seed: integer(flags.seed, "--seed", 0, 2 ** 31 - 1, "a seed is a whole number") ??
      Math.floor(Math.random() * 2 ** 31),
    ttl: integer(flags.ttl, "--ttl", 1, 60, "a lease TTL is a whole number of seconds")!,
    outDir: flags.out,
    portsFrom: integer(
      flags["ports-from"],
      "--ports-from",
      1024,
      65000,
      "the first member port is a whole number",
    ),
    progress: !flags.quiet,
    cluster,
    catalogue: CATALOGUE,
    slo: flags.slo === undefined ? undefined : parseSlo(flags.slo),
  };
  return { ...base, faultPlan: await readFaultsFile(flags, base) };
}

/** The --faults entries (built-in names and fault modules), or undefined without the flag. */
export function faultList(flags: Flags): string[] | undefined {
  return flags.faults?.split(",").map((s) => s.trim()).filter(Boolean);
}

/** The --faults-file schedule, checked before anything starts; undefined without the flag. */
async function readFaultsFile(
  flags: Flags,
  o: { durationMs: number; ttl: number; seed: number },
): Promise<PlannedFault[] | undefined> {
  const path = flags["faults-file"];
  if (path === undefined) return undefined;
  if (flags.faults !== undefined) {
    throw new UsageError("give --faults or --faults-file, not both: the file names its faults");
  }
  return await loadPlanFile(path, {
    catalogue: CATALOGUE,
    faults: FAULTS,
    durationMs: o.durationMs,
    ttlMs: o.ttl * 1000,
    seed: o.seed,
  });
}

/** `--jobs` of run all, checked before anything starts. */
export function runAllJobs(flags: Flags, portsFrom: number | undefined): number {
  const jobs = integer(flags.jobs, "--jobs", 1, 32) ?? (portsFrom === undefined ? DEFAULT_JOBS : 1);
  if (jobs > 1 && portsFrom !== undefined) {
    throw new UsageError("--ports-from fixes one cluster's ports: give --jobs 1 with it");
  }
  return jobs;
}
