/** Cluster ready time: from start until a linearizable read succeeds through every member. */
import { ProcessCluster } from "../lib/cluster/process_cluster.ts";
import { median } from "./median.ts";

async function processReadyMs(members: number): Promise<number> {
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

/** Median ready time of a 3-member process cluster over `repeats` starts. */
export async function processClusterReady(repeats: number) {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) samples.push(await processReadyMs(3));
  return {
    members: 3,
    repeats,
    medianMs: Math.round(median(samples)),
    samplesMs: samples.map(Math.round),
  };
}
