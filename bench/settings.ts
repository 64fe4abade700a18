/**
 * The bench's settings, read from its environment variables and checked
 * before anything runs: a bad value is a {@link UsageError} whose one line
 * names the variable and says what it takes (bench prints it and exits 2).
 */
import { UsageError } from "../lib/errors.ts";
import { ROW_KINDS } from "./power.ts";
import type { PowerRow } from "./power.ts";

/** The sections, in the order they run. */
export const SECTIONS = [
  "ready",
  "container",
  "checkers",
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
    kinds: PowerRow["kind"][];
    scenarios?: string[];
    durationMs?: number;
  };
}

/** Reads and checks the settings from `env` (Deno.env.toObject() in bench). */
export function benchSettings(env: Record<string, string | undefined>): BenchSettings {
  const whole = (name: string, fallback: number, max: number): number => {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new UsageError(`${name}=${text}: give a whole number from 1 to ${max}`);
    }
    return n;
  };
  const list = (name: string): string[] | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return undefined;
    return text.split(",").map((s) => s.trim()).filter(Boolean);
  };
  const skip = list("BENCH_SKIP") ?? [];
  for (const s of skip) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      throw new UsageError(
        `BENCH_SKIP=${env.BENCH_SKIP}: ${s} is no section; there are ${SECTIONS.join(", ")}`,
      );
    }
  }
  const kinds = list("BENCH_POWER_ROWS") ?? [...ROW_KINDS];
  for (const k of kinds) {
    if (!(ROW_KINDS as readonly string[]).includes(k)) {
      throw new UsageError(
        `BENCH_POWER_ROWS=${env.BENCH_POWER_ROWS}: ${k} is no kind of row; there are ${
          ROW_KINDS.join(", ")
        }`,
      );
    }
  }
  const seconds = env.BENCH_POWER_SECONDS;
  return {
    repeats: whole("BENCH_REPEATS", 5, 100),
    skip: new Set(skip),
    runallJobs: env.BENCH_RUNALL_JOBS ? whole("BENCH_RUNALL_JOBS", 4, 32) : undefined,
    power: {
      seeds: whole("BENCH_POWER_SEEDS", 1, 1000),
      jobs: whole("BENCH_POWER_JOBS", 4, 32),
      kinds: kinds as PowerRow["kind"][],
      scenarios: list("BENCH_POWER_SCENARIOS"),
      durationMs: seconds ? whole("BENCH_POWER_SECONDS", 30, 3600) * 1000 : undefined,
    },
  };
}
