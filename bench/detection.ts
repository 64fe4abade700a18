/**
 * Fault detection latency relative to the TTL: how long after a kill the use
 * case noticed, read from each scenario's own latency check in one run each.
 */
import { runScenario } from "../lib/runner/run.ts";
import { loadScenario } from "../lib/runner/load_scenario.ts";
import { BUILTIN_SCENARIOS } from "../scenarios/mod.ts";

/** Which check measures detection in which scenario, and the figure's name. */
const PROBES = [
  { scenario: "discovery", check: "removal-latency", what: "discovery removal" },
  { scenario: "monitoring", check: "detection", what: "monitoring detection" },
  { scenario: "election", check: "failover", what: "election failover" },
  { scenario: "lock", check: "liveness", what: "lock re-grant" },
];

/** Runs each probe's scenario (reference, kill-node) and returns its median latency and max, in ms and in TTLs. */
export async function detection(durationMs: number, ttl: number) {
  const rows = [];
  for (const p of PROBES) {
    const { scenario, url } = await loadScenario(p.scenario, BUILTIN_SCENARIOS);
    const out = await Deno.makeTempDir({ prefix: "drills-bench-detect-" });
    try {
      const r = await runScenario({
        scenario,
        scenarioUrl: url,
        subject: "reference",
        members: 3,
        durationMs,
        faults: ["kill-node"],
        faultIntervalMs: 3000,
        seed: 7,
        ttl,
        outDir: out,
      });
      const figures = r.checks.find((c) => c.name === p.check)?.figures ?? {};
      const median = Object.entries(figures).find(([k]) => k.endsWith("_median"))?.[1] ?? null;
      const max = Object.entries(figures).find(([k]) => k.endsWith("_max"))?.[1] ?? null;
      rows.push({
        what: p.what,
        scenario: p.scenario,
        check: p.check,
        valid: r.valid,
        medianMs: median,
        maxMs: max,
        medianOverTtl: median === null ? null : Math.round((median / (ttl * 1000)) * 100) / 100,
        boundMs: ttl * 1000 + 1500,
      });
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  }
  return { ttl, rows };
}
