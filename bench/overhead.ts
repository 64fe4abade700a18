/**
 * Harness overhead: sequential puts per second through a node's client proxy
 * versus a bare etcd3 loop straight to the members, same cluster, same run,
 * alternating rounds so drift hits both alike.
 */
import { Etcd3 } from "etcd3";
import { noop } from "cockatiel";
import { ProcessCluster } from "../lib/cluster/process_cluster.ts";
import { NodeProxy } from "../lib/net/node_proxy.ts";

async function putsPerSecond(hosts: string[], ms: number): Promise<number> {
  const client = new Etcd3({ hosts, faultHandling: { global: noop } });
  try {
    await client.put("bench/warm").value("x").exec();
    let n = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await client.put("bench/key").value(String(n)).exec();
      n++;
    }
    return n / (ms / 1000);
  } finally {
    client.close();
  }
}

/** Medians of `rounds` alternating measurements, and their ratio (proxied / bare). */
export async function proxyOverhead(rounds: number, msPerRound: number) {
  const logDir = await Deno.makeTempDir({ prefix: "drills-bench-" });
  const cluster = await ProcessCluster.start({ members: 3, logDir });
  const proxy = new NodeProxy(cluster.members.map((m) => m.clientUrl));
  try {
    await cluster.waitReady(30_000);
    const bare: number[] = [];
    const proxied: number[] = [];
    for (let i = 0; i < rounds; i++) {
      bare.push(await putsPerSecond(cluster.members.map((m) => m.clientUrl), msPerRound));
      proxied.push(await putsPerSecond(proxy.endpoints, msPerRound));
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      bareOpsPerSec: Math.round(med(bare)),
      proxiedOpsPerSec: Math.round(med(proxied)),
      ratio: Math.round((med(proxied) / med(bare)) * 100) / 100,
      rounds,
    };
  } finally {
    proxy.close();
    await cluster.stop();
    await Deno.remove(logDir, { recursive: true });
  }
}
