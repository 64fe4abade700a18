/** Cluster ready time: from start until a linearizable read succeeds through every member. */
import { startCluster } from "../lib/cluster/create.ts";
import { median } from "./median.ts";

async function readyMs(kind: "process" | "container", members: number): Promise<number> {
  const logDir = await Deno.makeTempDir({ prefix: "drills-bench-" });
  const t0 = performance.now();
  const cluster = await startCluster({ kind, members, logDir });
  try {
    await cluster.waitReady(30_000);
    return performance.now() - t0;
  } finally {
    await cluster.stop();
    await Deno.remove(logDir, { recursive: true });
  }
}

async function clusterReady(kind: "process" | "container", repeats: number) {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) samples.push(await readyMs(kind, 3));
  return {
    members: 3,
    repeats,
    medianMs: Math.round(median(samples)),
    samplesMs: samples.map(Math.round),
  };
}

/** Median ready time of a 3-member process cluster over `repeats` starts. */
export function processClusterReady(repeats: number) {
  return clusterReady("process", repeats);
}

/**
 * Median ready time of a 3-member container cluster over `repeats` starts:
 * network, containers started in parallel, a quorum read through each.
 */
export function containerClusterReady(repeats: number) {
  return clusterReady("container", repeats);
}
