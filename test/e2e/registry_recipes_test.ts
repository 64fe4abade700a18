/**
 * The registry recipes on a real 3-member process cluster: a registration
 * keeps its lease through a member cut off from the quorum, comes back under
 * a new lease when its lease is revoked and leaves nothing behind on close;
 * a prefix view applies every event of a multi-key transaction and reads
 * again after a compaction.
 */
import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { noop } from "cockatiel";
import { MemberClients } from "../../lib/recipes/member_clients.ts";
import { Registration } from "../../lib/recipes/registration.ts";
import { PrefixView } from "../../lib/recipes/prefix_view.ts";
import { eventually, withCluster } from "../helpers/member_cluster_helper.ts";

/** A client as nodes get one: a deadline on each unary call, no retries. */
const client = (hosts: string | string[]) =>
  new Etcd3({
    hosts,
    defaultCallOptions: (c) => c.isStream ? {} : { deadline: new Date(Date.now() + 2000) },
    faultHandling: { global: noop },
  });

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms))]);

Deno.test("registration: keeps its lease through its member's isolation, re-registers after a revoke, cleans up", async () => {
  await withCluster(3, async (cluster) => {
    const urls = cluster.members.map((m) => m.clientUrl);
    const members = new MemberClients(urls.map((u) => client(u))); // starts on m1
    const outside = client(urls.slice(1));
    try {
      const reg = new Registration(members, "/reg/a", "v", { ttl: 2 });
      const first = await reg.register();
      // m1 loses its peers for twice the TTL: the keep-alives move on to m2 or m3.
      await cluster.control!.cutLinks([["m1", "m2"], ["m1", "m3"]]);
      assert.equal(await within(reg.lost(), 4000), "timeout", "the lease was lost during the cut");
      await cluster.control!.cutLinks([]);
      await cluster.waitReady(10_000);
      assert.equal(await eventually("read", () => outside.get("/reg/a").string()), "v");
      // Revoked from outside: lost at once (the key's delete), back under a new lease.
      await eventually(
        "revoke",
        () =>
          outside.leaseClient.leaseRevoke({ ID: first.lease }).catch((e) => {
            if ((e as Error).name !== "EtcdLeaseInvalidError") throw e; // an earlier try applied
          }),
      );
      assert.notEqual(await within(reg.lost(), 1500), "timeout");
      const again = await eventually("re-register", () => reg.register());
      assert.notEqual(again.lease, first.lease);
      const leases = await eventually("list", () => outside.leaseClient.leaseLeases());
      assert.deepEqual(leases.leases.map((l) => String(l.ID)), [again.lease]);
      await reg.close();
      assert.equal(await eventually("read", () => outside.get("/reg/a").string()), null);
      const after = await eventually("list", () => outside.leaseClient.leaseLeases());
      assert.deepEqual(after.leases, []);
    } finally {
      members.close();
      outside.close();
    }
  });
});

Deno.test("prefix view: applies every event of a multi-key transaction in revision order", async () => {
  await withCluster(1, async (cluster) => {
    const c = client(cluster.members[0].clientUrl);
    const stop = new AbortController();
    const seen: number[] = [];
    const view = new PrefixView(c, "/pv/", (_changes, revision) => seen.push(revision));
    const running = view.run(stop.signal);
    try {
      await eventually("first read", () => seen.length > 0 ? Promise.resolve() : Promise.reject());
      for (const k of ["a", "b", "c"]) await c.put(`/pv/${k}`).value(k).exec();
      await c.delete().prefix("/pv/").exec(); // three deletes at one revision
      await c.put("/pv/d").value("d").exec();
      await eventually(
        "events applied",
        () =>
          view.entries.size === 1 && view.entries.has("/pv/d")
            ? Promise.resolve()
            : Promise.reject(new Error([...view.entries.keys()].join())),
      );
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
    } finally {
      stop.abort();
      await running;
      c.close();
    }
  });
});

Deno.test("prefix view: re-reads when the revision it would resume from was compacted", async () => {
  await withCluster(3, async (cluster) => {
    const urls = cluster.members.map((m) => m.clientUrl);
    const c = client(urls[0]); // the view only talks to m1
    const writer = client(urls.slice(1));
    const stop = new AbortController();
    const view = new PrefixView(c, "/pv/", () => {});
    const running = view.run(stop.signal);
    try {
      await eventually("put a", () => writer.put("/pv/a").value("a").exec());
      await eventually(
        "a seen",
        () => view.entries.has("/pv/a") ? Promise.resolve() : Promise.reject(),
      );
      await cluster.control!.kill("m1");
      // m1 may have led: the others elect a leader first (writes are retried, they are idempotent).
      await eventually("delete a", () => writer.delete().key("/pv/a").exec());
      const res = await eventually("put b", () => writer.put("/pv/b").value("b").exec());
      await eventually(
        "compact",
        () =>
          writer.kv.compact({ revision: res.header.revision, physical: true }).catch((e) => {
            if (!/compacted/.test((e as Error).message)) throw e; // an earlier try applied
          }),
      );
      await cluster.control!.restart("m1");
      await eventually(
        "b seen, a gone",
        () =>
          view.entries.has("/pv/b") && !view.entries.has("/pv/a")
            ? Promise.resolve()
            : Promise.reject(new Error([...view.entries.keys()].join())),
        20_000,
      );
      assert.ok(view.revision >= Number(res.header.revision));
    } finally {
      stop.abort();
      await running;
      c.close();
      writer.close();
    }
  });
});
