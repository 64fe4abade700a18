import { CATALOGUE } from "../chaos/mod.ts";
/**
 * Scale: the most nodes the lock scenario runs on this machine with its
 * verdict still valid, and the peak memory that takes (runner, nodes and
 * etcd members, summed PSS sampled every 500 ms: RSS would count the deno
 * executable's and libraries' shared pages once per process, about half of
 * a node's 78 MiB RSS, where PSS shares them out among the processes).
 */
import { runScenario } from "../lib/runner/run.ts";
import { loadScenario } from "../lib/runner/load_scenario.ts";
import { BUILTIN_SCENARIOS } from "../scenarios/mod.ts";

/** Summed PSS in MiB of this process and every process whose command line names `marker`. */
function pssMiB(marker: string): number {
  let kb = 0;
  for (const p of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(p.name)) continue;
    try {
      const self = Number(p.name) === Deno.pid;
      if (!self && !Deno.readTextFileSync(`/proc/${p.name}/cmdline`).includes(marker)) continue;
      const m = /^Pss:\s+(\d+) kB/m.exec(Deno.readTextFileSync(`/proc/${p.name}/smaps_rollup`));
      if (m) kb += Number(m[1]);
    } catch { /* gone */ }
  }
  return Math.round(kb / 1024);
}

/** Runs the lock scenario with each node count in turn; stops at the first that is not valid. */
export async function scale(nodeCounts: number[], durationMs: number) {
  const { scenario, url } = await loadScenario("lock", BUILTIN_SCENARIOS);
  const rows = [];
  for (const nodes of nodeCounts) {
    const out = await Deno.makeTempDir({ prefix: "drills-bench-scale-" });
    let peak = 0;
    const sampler = setInterval(() => peak = Math.max(peak, pssMiB(out)), 500);
    try {
      const r = await runScenario({
        scenario,
        scenarioUrl: url,
        subject: "reference",
        catalogue: CATALOGUE,
        members: 3,
        nodes,
        durationMs,
        faults: ["none"],
        faultIntervalMs: 3000,
        seed: 1,
        ttl: 2,
        outDir: out,
      });
      rows.push({ nodes, valid: r.valid, peakPssMiB: peak, operations: r.stats.operations });
      if (r.valid !== true) break;
    } finally {
      clearInterval(sampler);
      await Deno.remove(out, { recursive: true });
    }
  }
  const ok = rows.filter((r) => r.valid === true);
  return { maxValidNodes: ok.length ? ok[ok.length - 1].nodes : 0, rows };
}
