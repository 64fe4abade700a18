/**
 * Client faults break a node's connections: reset-node resets them all with
 * a TCP RST, flap-node does so again and again, restart-node kills the node
 * and starts it again at once. Each takes effect and heals; new connections
 * are always accepted.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { Etcd3 } from "etcd3";
import { TcpProxy } from "../../lib/net/tcp_proxy.ts";
import { OPEN_LINK } from "../../lib/net/tcp_proxy.ts";
import { ProcessCluster } from "../../lib/cluster/process_cluster.ts";
import { HistoryWriter, wallClock } from "../../lib/history/writer.ts";
import { NodeHandle } from "../../lib/node/node_handle.ts";
import { mulberry32 } from "../../lib/proc/random.ts";
import type { World } from "../../lib/faults/fault.ts";
import { resetNode } from "../../chaos/reset_node.ts";
import { flapNode } from "../../chaos/flap_node.ts";
import { restartNode } from "../../chaos/restart_node.ts";
import { partitionNode } from "../../chaos/partition_node.ts";

const PLUGIN = new URL("../fixtures/lease_plugin.ts", import.meta.url).href;
const TTL = 2;
const once = () => 0; // random() that always prefers the primary (n1)

async function eventually(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An echo server behind a resettable proxy. */
async function withEchoProxy(fn: (port: number, proxy: TcpProxy) => Promise<void>) {
  const upstream = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    for await (const conn of upstream) {
      (async () => {
        const buf = new Uint8Array(4096);
        try {
          for (let n; (n = await conn.read(buf)) !== null;) await conn.write(buf.subarray(0, n));
        } catch { /* reset */ }
        try {
          conn.close();
        } catch { /* closed */ }
      })();
    }
  })().catch(() => {});
  const proxy = new TcpProxy({
    target: { hostname: "127.0.0.1", port: (upstream.addr as Deno.NetAddr).port },
    policy: () => OPEN_LINK,
    resettable: true,
  });
  const port = proxy.start();
  try {
    await fn(port, proxy);
  } finally {
    proxy.close();
    upstream.close();
    await serving;
  }
}

/** Connects with node:net, sends a line, waits for its echo; resolves with how the socket then ends. */
function echoThenEnd(port: number, onEchoed: () => void): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write("ping\n"));
    socket.on("data", () => onEchoed());
    socket.on("error", (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    socket.on("end", () => {
      socket.destroy();
      resolve("end (FIN)");
    });
  });
}

Deno.test("tcp proxy: resetConnections sends the client an RST (ECONNRESET, not an orderly end); new connections pass", async () => {
  await withEchoProxy(async (port, proxy) => {
    let echoed = Promise.withResolvers<void>();
    const ended = echoThenEnd(port, () => echoed.resolve());
    await echoed.promise;
    assert.equal(proxy.connections, 1);
    assert.equal(proxy.resetConnections(), 1);
    assert.equal(await ended, "error ECONNRESET");
    assert.equal(proxy.connections, 0);

    // A Deno client sees the same: its read fails with ConnectionReset instead of returning null.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("again\n"));
    const buf = new Uint8Array(64);
    assert.equal(new TextDecoder().decode(buf.subarray(0, (await conn.read(buf))!)), "again\n");
    proxy.resetConnections();
    await assert.rejects(() => conn.read(buf), Deno.errors.ConnectionReset);
    conn.close();

    // Contrast: dropping connections is an orderly close.
    echoed = Promise.withResolvers<void>();
    const dropped = echoThenEnd(port, () => echoed.resolve());
    await echoed.promise;
    proxy.dropConnections();
    assert.equal(await dropped, "end (FIN)");
  });
});

/** A 1-member cluster with two lease-holding nodes; n1 reports itself primary, so faults pick it. */
async function withWorld(fn: (w: World, client: Etcd3, prefix: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "drills-test-clientfaults-" });
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
    for (const n of nodes) {
      await eventually(
        `${n.id} reports its lease`,
        () => Promise.resolve(typeof n.state.lease === "string"),
      );
    }
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

/** Seconds the lease has left (-1 once gone). */
async function ttlOf(client: Etcd3, lease: string): Promise<number> {
  return Number((await client.leaseClient.leaseTimeToLive({ ID: lease })).TTL);
}

/** The node's lease stays alive across 2 TTLs: its keep-alives got through after the fault. */
async function keptAlive(client: Etcd3, lease: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 2 * TTL * 1000));
  assert.ok(await ttlOf(client, lease) > 0, `lease ${lease} was kept alive after the fault`);
}

Deno.test({
  name:
    "client faults: reset-node resets the node's open connections; it reconnects and its lease lives",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withWorld(async (world, client) => {
      const n1 = world.nodes[0];
      const lease = String(n1.state.lease);
      assert.ok(n1.proxy.connections > 0, "the node holds a connection to reset");
      const active = await resetNode.start(world, once);
      assert.deepEqual(active?.targets, ["n1"]);
      assert.ok(Number(active!.detail!.reset) > 0, "connections were reset");
      await eventually("n1 connected again", () => Promise.resolve(n1.proxy.connections > 0));
      await active!.heal();
      assert.equal(n1.incarnation, 1, "the node itself was not touched");
      assert.equal(n1.state.lease, lease);
      await keptAlive(client, lease);
    }),
});

Deno.test({
  name:
    "client faults: flap-node resets again and again at seeded 50–500 ms gaps; after the heal it stays connected",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withWorld(async (world, client) => {
      const n1 = world.nodes[0];
      const active = await flapNode.start(world, mulberry32(7));
      assert.deepEqual(active?.targets, ["n1"]);
      await new Promise((r) => setTimeout(r, 2000));
      await active!.heal();
      const rounds = Number(active!.detail!.rounds);
      // 2 s of gaps between 50 and 500 ms: at least 4 rounds, at most 41.
      assert.ok(rounds >= 4 && rounds <= 41, `rounds ${rounds}`);
      assert.ok(Number(active!.detail!.reset) >= 1, "connections were reset");
      await eventually("n1 connected again", () => Promise.resolve(n1.proxy.connections > 0));
      const connected = n1.proxy.connections;
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok(n1.proxy.connections >= connected, "nothing resets its connections after the heal");
      // The node re-registers if its lease was lost during the flapping; either way it holds one now.
      await eventually("n1 holds a live lease", async () =>
        await ttlOf(client, String(n1.state.lease)) > 0);
      await keptAlive(client, String(n1.state.lease));
    }),
});

Deno.test({
  name:
    "client faults: restart-node kills and restarts at once; the old incarnation's lease outlives it",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withWorld(async (world, client, prefix) => {
      const n1 = world.nodes[0];
      const old = String(n1.state.lease);
      const active = await restartNode.start(world, once);
      assert.deepEqual(active?.targets, ["n1"]);
      assert.equal(n1.alive, true, "running again at once");
      assert.equal(n1.incarnation, 2);
      assert.deepEqual(active!.detail, {
        incarnation: 1,
        restartedAs: 2,
        primary: true,
        lease: old,
      });
      assert.ok(await ttlOf(client, old) > 0, "the old lease lives on after the restart");
      await eventually("incarnation 2 registered under its own lease", async () => {
        const v = await client.get(`${prefix}n1`).string();
        return v !== null && v === n1.state.lease && v !== old;
      });
      await eventually("the old lease expires within its TTL", async () =>
        await ttlOf(client, old) === -1, TTL * 1000 + 2000);
      await active!.heal();
    }),
});

Deno.test({
  name:
    "client faults: flap-node composes with another node fault (each holds its own node) and both heal",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withWorld(async (world, client, prefix) => {
      const flap = await flapNode.start(world, mulberry32(3));
      for (const t of flap!.targets) world.busyNodes.add(t);
      const cut = await partitionNode.start(world, once);
      assert.deepEqual(flap?.targets, ["n1"]);
      assert.deepEqual(cut?.targets, ["n2"], "the second fault takes the node the first left free");
      await new Promise((r) => setTimeout(r, 1000));
      await Promise.all([flap!.heal(), cut!.heal()]);
      await eventually("both nodes hold a registered, live lease", async () => {
        for (const n of world.nodes) {
          const v = await client.get(`${prefix}${n.id}`).string();
          if (v === null || v !== n.state.lease || await ttlOf(client, v) <= 0) return false;
        }
        return true;
      }, 15_000);
    }),
});
