import { CATALOGUE } from "../chaos/mod.ts";
/**
 * Fault detection latency relative to the TTL: how long after a kill the use
 * case noticed, read from each scenario's own latency check in one run each.
 */
import { runPairs } from "../cli/run_all.ts";
import type { Pair } from "../cli/run_all.ts";
import { loadScenario } from "../lib/runner/load_scenario.ts";
import { BUILTIN_SCENARIOS } from "../scenarios/mod.ts";

/** Which check measures detection in which scenario, and the figure's name. */
const PROBES = [
  { scenario: "discovery", check: "removal-latency", what: "discovery removal" },
  { scenario: "monitoring", check: "detection", what: "monitoring detection" },
  { scenario: "election", check: "failover", what: "election failover" },
  { scenario: "lock", check: "liveness", what: "lock re-grant" },
];

/**
 * Runs each probe's scenario (reference, kill-node, seed 7) and returns its median latency and
 * max, in ms and in TTLs; the probes run at once, on one cluster (node faults only).
 */
export async function detection(durationMs: number, ttl: number) {
  const pairs: Pair[] = [];
  for (const p of PROBES) {
    const { scenario, url } = await loadScenario(p.scenario, BUILTIN_SCENARIOS);
    pairs.push({
      scenario,
      url,
      expectation: {
        subject: "reference",
        faults: ["kill-node"],
        valid: true,
        seed: 7,
        durationMs,
      },
    });
  }
  const out = await Deno.makeTempDir({ prefix: "drills-bench-detect-" });
  try {
    const { results } = await runPairs(pairs, {
      base: { members: 3, ttl, outDir: out, catalogue: CATALOGUE },
      override: {},
      jobs: PROBES.length,
    });
    const rows = PROBES.map((p, i) => {
      const r = results[i];
      const figures = r.checks.find((c) => c.name === p.check)?.figures ?? {};
      const median = Object.entries(figures).find(([k]) => k.endsWith("_median"))?.[1] ?? null;
      const max = Object.entries(figures).find(([k]) => k.endsWith("_max"))?.[1] ?? null;
      return {
        what: p.what,
        scenario: p.scenario,
        check: p.check,
        valid: r.valid,
        medianMs: median,
        maxMs: max,
        medianOverTtl: median === null ? null : Math.round((median / (ttl * 1000)) * 100) / 100,
        boundMs: ttl * 1000 + 1500,
      };
    });
    return { ttl, rows };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}
