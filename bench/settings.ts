/**
 * The bench's settings, read from its environment variables and checked
 * before anything runs: a bad value is a {@link UsageError} whose one line
 * names the variable and says what it takes (bench prints it and exits 2).
 */
import { UsageError } from "../lib/proc/errors.ts";
import { ROW_KINDS } from "./power.ts";
import type { PowerRow } from "./power.ts";

type Kind = PowerRow["kind"];

/** The sections, in the order they run. */
export const SECTIONS = [
  "ready",
  "container",
  "checkers",
  "linearizability",
  "overhead",
  "scale",
  "detection",
  "runall",
  "power",
] as const;

/** What `deno task bench` was asked for. */
export interface BenchSettings {
  repeats: number;
  skip: Set<string>;
  /** `run all --jobs` of the runall section; undefined: its default. */
  runallJobs?: number;
  power: {
    seeds: number;
    jobs: number;
    kinds: Kind[];
    scenarios?: string[];
    durationMs?: number;
  };
}

/** Reads and checks the settings from `env` (Deno.env.toObject() in bench). */
export function benchSettings(env: Record<string, string | undefined>): BenchSettings {
  const text = (name: string) => env[name] === "" ? undefined : env[name];
  /** A whole number from 1 to `max`, or undefined when the variable is unset. */
  const whole = (name: string, max: number): number | undefined => {
    const t = text(name);
    if (t === undefined) return undefined;
    const n = Number(t);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new UsageError(`${name}=${t}: give a whole number from 1 to ${max}`);
    }
    return n;
  };
  const list = (name: string): string[] | undefined =>
    text(name)?.split(",").map((s) => s.trim()).filter(Boolean);
  /** A list whose every item is one of `allowed` (a `what`), or undefined when unset. */
  const names = (name: string, allowed: readonly string[], what: string) => {
    const items = list(name);
    const bad = items?.find((x) => !allowed.includes(x));
    if (bad !== undefined) {
      throw new UsageError(
        `${name}=${env[name]}: ${bad} is no ${what}; there are ${allowed.join(", ")}`,
      );
    }
    return items;
  };
  const seconds = whole("BENCH_POWER_SECONDS", 3600);
  return {
    repeats: whole("BENCH_REPEATS", 100) ?? 5,
    skip: new Set(names("BENCH_SKIP", SECTIONS, "section") ?? []),
    runallJobs: whole("BENCH_RUNALL_JOBS", 32),
    power: {
      seeds: whole("BENCH_POWER_SEEDS", 1000) ?? 1,
      jobs: whole("BENCH_POWER_JOBS", 32) ?? 4,
      kinds: (names("BENCH_POWER_ROWS", ROW_KINDS, "kind of row") ?? [...ROW_KINDS]) as Kind[],
      scenarios: list("BENCH_POWER_SCENARIOS"),
      durationMs: seconds === undefined ? undefined : seconds * 1000,
    },
  };
}
