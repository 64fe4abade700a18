/**
 * Harness overhead: sequential puts through a node's client proxy versus a
 * bare etcd3 client straight to the same member, same cluster; idle, or with
 * one core kept busy by the bench itself (the load under which runs happen).
 *
 * The two clients take turns put by put, so both see the same etcd: here a put
 * waits for etcd's fsync, whose speed drifts severalfold within a minute (166
 * to 577 puts/s between two runs of one day), and loops measured one after the
 * other read that drift as proxy cost. Sequential throughput is the inverse of
 * the mean latency, so a round's ratio is bare time over proxied time.
 */
import { Etcd3 } from "etcd3";
import { noop } from "cockatiel";
import { ProcessCluster } from "../lib/cluster/process_cluster.ts";
import { NodeProxy } from "../lib/net/node_proxy.ts";
import { withBusyCore } from "./busy_core.ts";
import { median } from "./median.ts";

/** Time spent in bare and in proxied puts over `ms` of alternating puts. */
async function alternatingPuts(bareHost: string, proxiedHost: string, ms: number) {
  const clients = [bareHost, proxiedHost].map((h) =>
    new Etcd3({ hosts: [h], faultHandling: { global: noop } })
  );
  try {
    for (const c of clients) await c.put("bench/warm").value("x").exec();
    const spent = [0, 0];
    let n = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      // Who goes first alternates too, so neither always follows the other's fsync.
      for (const i of n % 2 ? [1, 0] : [0, 1]) {
        const t = performance.now();
        await clients[i].put("bench/key").value(String(n)).exec();
        spent[i] += performance.now() - t;
      }
      n++;
    }
    return { puts: n, bareMs: spent[0], proxiedMs: spent[1] };
  } finally {
    for (const c of clients) c.close();
  }
}

/** Medians over `rounds` rounds of puts per second each way, and of each round's ratio. */
export async function proxyOverhead(rounds: number, msPerRound: number, busyCore: boolean) {
  const logDir = await Deno.makeTempDir({ prefix: "drills-bench-" });
  const cluster = await ProcessCluster.start({ members: 3, logDir });
  const proxy = new NodeProxy(cluster.members.map((m) => m.clientUrl));
  try {
    await cluster.waitReady(30_000);
    const bare: number[] = [];
    const proxied: number[] = [];
    const ratios: number[] = [];
    const measure = async () => {
      for (let i = 0; i < rounds; i++) {
        // Both clients of a round talk to the same member: one left to pick lands on the
        // leader or on a follower that forwards every put, a difference that is not the proxy.
        const m = i % cluster.members.length;
        const r = await alternatingPuts(
          cluster.members[m].clientUrl,
          proxy.endpoints[m],
          msPerRound,
        );
        bare.push(r.puts / (r.bareMs / 1000));
        proxied.push(r.puts / (r.proxiedMs / 1000));
        ratios.push(r.bareMs / r.proxiedMs);
      }
    };
    await (busyCore ? withBusyCore(measure) : measure());
    return {
      bareOpsPerSec: Math.round(median(bare)),
      proxiedOpsPerSec: Math.round(median(proxied)),
      ratio: Math.round(median(ratios) * 100) / 100,
      roundRatios: ratios.map((r) => Math.round(r * 100) / 100),
      rounds,
      busyCore,
    };
  } finally {
    proxy.close();
    await cluster.stop();
    await Deno.remove(logDir, { recursive: true });
  }
}
