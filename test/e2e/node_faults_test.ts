/**
 * Node faults on a real cluster: each takes effect on the node it picks and
 * heals completely, with the scenario knowing nothing about it.
 */
import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { ProcessCluster } from "../../lib/cluster/process_cluster.ts";
import { HistoryWriter, wallClock } from "../../lib/history/writer.ts";
import { NodeHandle } from "../../lib/node/node_handle.ts";
import type { World } from "../../lib/faults/fault.ts";
import { killLease } from "../../chaos/kill_lease.ts";
import { killNode } from "../../chaos/kill_node.ts";
import { partitionNode } from "../../chaos/partition_node.ts";
import { pauseNode } from "../../chaos/pause_node.ts";
import { latencyNode } from "../../chaos/latency_node.ts";

const PLUGIN = new URL("../fixtures/lease_plugin.ts", import.meta.url).href;
const TTL = 2;

/** A 1-member cluster with two lease-holding nodes; n1 reports itself primary, so faults pick it. */
async function withWorld(fn: (w: World, client: Etcd3, prefix: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "drills-test-nodefaults-" });
  const cluster = await ProcessCluster.start({ members: 1, logDir: `${dir}/etcd` });
  const history = await HistoryWriter.open(`${dir}/history.ndjson`, wallClock());
  const prefix = "/test/";
  const nodes: NodeHandle[] = [];
  const admin = new Etcd3({ hosts: cluster.members.map((m) => m.clientUrl) });
  try {
    await cluster.waitReady(10_000);
    for (const id of ["n1", "n2"]) {
      nodes.push(
        new NodeHandle(
          {
            id,
            role: "holder",
            logDir: dir,
            config: { scenario: PLUGIN, subject: "plain", prefix, ttl: TTL, seed: 1, params: {} },
          },
          cluster.members.map((m) => m.clientUrl),
          history,
        ),
      );
    }
    await Promise.all(nodes.map((n) => n.start()));
    await eventually("both nodes registered", async () => (await keys(admin, prefix)).length === 2);
    await eventually(
      "n1 reports its lease",
      () => Promise.resolve(typeof nodes[0].state.lease === "string"),
    );
    const world: World = {
      cluster,
      nodes,
      admin,
      ttlMs: TTL * 1000,
      busyNodes: new Set(),
      busyMembers: new Set(),
      now: () => history.now(),
    };
    await fn(world, admin, prefix);
  } finally {
    admin.close();
    await Promise.all(nodes.map((n) => n.dispose()));
    await cluster.stop();
    history.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function keys(client: Etcd3, prefix: string): Promise<string[]> {
  return (await client.getAll().prefix(prefix).keys()).map((k) => k.slice(prefix.length)).sort();
}

async function eventually(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const once = () => 0; // random() that always prefers the primary (n1)

Deno.test({
  name:
    "node faults: kill-lease revokes the node's lease and its key goes; the node registers again",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withWorld(async (world, client, prefix) => {
      const lease = String(world.nodes[0].state.lease);
      const active = await killLease.start(world, once);
      assert.deepEqual(active?.targets, ["n1"]);
      assert.equal(active?.detail?.revoked, true);
      const ttl = await client.leaseClient.leaseTimeToLive({ ID: lease });
      assert.equal(Number(ttl.TTL), -1, "the revoked lease is gone");
      await eventually("n1 has a new lease", () =>
        Promise.resolve(world.nodes[0].state.lease !== lease));
      assert.deepEqual(await keys(client, prefix), ["n1", "n2"]);
    }),
});

Deno.test({
  name:
    "node faults: partition-node lets the node's lease expire while the other goes on; heal restores it",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withWorld(async (world, client, prefix) => {
      const active = await partitionNode.start(world, once);
      assert.deepEqual(active?.targets, ["n1"]);
      await eventually(
        "n1's key expired",
        async () => (await keys(client, prefix)).join() === "n2",
      );
      assert.equal(world.nodes[0].alive, true, "the node itself still runs");
      await active!.heal();
      await eventually(
        "n1 registered again",
        async () => (await keys(client, prefix)).length === 2,
      );
    }),
});

Deno.test({
  name: "node faults: pause-node stops the node (its lease expires); heal resumes it",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withWorld(async (world, client, prefix) => {
      const active = await pauseNode.start(world, once);
      assert.equal(world.nodes[0].paused, true);
      await eventually(
        "n1's key expired",
        async () => (await keys(client, prefix)).join() === "n2",
      );
      await active!.heal();
      assert.equal(world.nodes[0].paused, false);
      await eventually(
        "n1 registered again",
        async () => (await keys(client, prefix)).length === 2,
      );
    }),
});

Deno.test({
  name: "node faults: kill-node kills the process; heal restarts it as the next incarnation",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withWorld(async (world, client, prefix) => {
      const active = await killNode.start(world, once);
      assert.equal(world.nodes[0].alive, false);
      await active!.heal();
      assert.equal(world.nodes[0].incarnation, 2);
      await eventually("incarnation 2 registered", async () => {
        const v = await client.get(`${prefix}n1`).string();
        return v !== null && v === world.nodes[0].state.lease;
      });
    }),
});

Deno.test({
  name: "node faults: latency-node slows the node's etcd traffic by at least its delay",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withWorld(async (world) => {
      const probe = new Etcd3({ hosts: world.nodes[0].proxy.endpoints });
      try {
        await probe.get("x").exec();
        const active = await latencyNode.start(world, once);
        const delay = Number(active!.detail!.delayMs);
        const t0 = performance.now();
        await probe.get("x").exec();
        assert.ok(performance.now() - t0 >= delay, "a round trip takes at least the added delay");
        await active!.heal();
        await probe.get("x").exec();
      } finally {
        probe.close();
      }
    }),
});
