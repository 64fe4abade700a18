/**
 * Harness overhead: sequential puts per second through a node's client proxy
 * versus a bare etcd3 loop straight to the same member, same cluster, same
 * run, alternating rounds so drift hits both alike; idle, or with one core kept
 * busy by the bench itself (the load under which runs happen).
 */
import { Etcd3 } from "etcd3";
import { noop } from "cockatiel";
import { ProcessCluster } from "../lib/cluster/process_cluster.ts";
import { NodeProxy } from "../lib/net/node_proxy.ts";
import { withBusyCore } from "./busy_core.ts";

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
export async function proxyOverhead(rounds: number, msPerRound: number, busyCore: boolean) {
  const logDir = await Deno.makeTempDir({ prefix: "drills-bench-" });
  const cluster = await ProcessCluster.start({ members: 3, logDir });
  const proxy = new NodeProxy(cluster.members.map((m) => m.clientUrl));
  try {
    await cluster.waitReady(30_000);
    const bare: number[] = [];
    const proxied: number[] = [];
    const measure = async () => {
      for (let i = 0; i < rounds; i++) {
        // Both loops of a round talk to the same member: a client left to pick one lands on the
        // leader or on a follower that forwards every put, a difference that is not the proxy.
        const m = i % cluster.members.length;
        bare.push(await putsPerSecond([cluster.members[m].clientUrl], msPerRound));
        proxied.push(await putsPerSecond([proxy.endpoints[m]], msPerRound));
      }
    };
    await (busyCore ? withBusyCore(measure) : measure());
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      bareOpsPerSec: Math.round(med(bare)),
      proxiedOpsPerSec: Math.round(med(proxied)),
      ratio: Math.round((med(proxied) / med(bare)) * 100) / 100,
      rounds,
      busyCore,
    };
  } finally {
    proxy.close();
    await cluster.stop();
    await Deno.remove(logDir, { recursive: true });
  }
}
