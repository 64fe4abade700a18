/**
 * `deno task bench`: speed figures as medians over repeated runs, measured
 * here and now (never asserted in tests). Writes bench/results.json.
 *
 * - cluster ready: time from start until a linearizable read succeeds through
 *   every member of a 3-member process cluster.
 */
import { ProcessCluster } from "../lib/cluster/process_cluster.ts";
import { cleanupAll } from "../lib/runner/cleanup.ts";

const REPEATS = Number(Deno.env.get("BENCH_REPEATS") ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function clusterReadyMs(members: number): Promise<number> {
  const logDir = await Deno.makeTempDir({ prefix: "drills-bench-" });
  const t0 = performance.now();
  const cluster = await ProcessCluster.start({ members, logDir });
  try {
    await cluster.waitReady(30_000);
    return performance.now() - t0;
  } finally {
    await cluster.stop();
    await Deno.remove(logDir, { recursive: true });
  }
}

const samples: number[] = [];
for (let i = 0; i < REPEATS; i++) samples.push(await clusterReadyMs(3));

const results = {
  date: new Date().toISOString(),
  machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno },
  processClusterReadyMs: {
    members: 3,
    repeats: REPEATS,
    median: Math.round(median(samples)),
    samples: samples.map(Math.round),
    target: 1500,
  },
};
await Deno.mkdir(new URL(".", import.meta.url), { recursive: true });
await Deno.writeTextFile(
  new URL("./results.json", import.meta.url),
  JSON.stringify(results, null, 2) + "\n",
);
console.log("figure                          median    target");
console.log(
  `process cluster ready (3)       ${
    String(results.processClusterReadyMs.median).padStart(6)
  } ms  ≤ 1500 ms`,
);
console.log("written to bench/results.json");
await cleanupAll();
