import type { IKeyValue, Lease, Watcher } from "etcd3";
import { ok } from "../../lib/node/context.ts";
import type { AddressFeed } from "./grpc_resolver.ts";
import type { LbSubject } from "./subject.ts";

/**
 * The registry and the resolver's feed as etcd3's README teaches them. A
 * server puts its address with `client.lease(ttl).put(key)` (the lease keeps
 * itself alive) and registers again under a new `client.lease(ttl)` when the
 * lease emits `lost`; on stop it calls `lease.revoke()`. The feed reads the
 * prefix with `getAll().prefix()`, then follows it with
 * `client.watch().prefix(p).startRevision(read + 1).create()`, keyed by the
 * event's key, relying on the watcher's automatic reconnect and resume. Both
 * keep etcd3's default fault handling (its retries and circuit breaker), as
 * users ship it.
 */
export const etcd3Lb: LbSubject = {
  async serve(ctx, registry, addr) {
    const client = ctx.client({ faultHandling: {} });
    const key = `${registry}${addr}`;
    const stopped = new Promise<string>((r) =>
      ctx.signal.addEventListener("abort", () => r("stopped"), { once: true })
    );
    let lease: Lease | undefined;
    let lost = Promise.withResolvers<string>();
    while (!ctx.signal.aborted) {
      if (!lease || lease.revoked()) {
        const fresh = client.lease(ctx.ttl);
        const gone = Promise.withResolvers<string>();
        fresh.on("lost", (e: Error) => gone.resolve(`lease lost: ${e.message}`));
        lease = fresh;
        lost = gone;
      }
      const current = lease;
      const out = await ctx.op("register", { addr, key }, async () => {
        const res = await current.put(key).value(addr).exec();
        return ok({ addr, key, lease: await current.grant() }, res.header.revision);
      });
      if (out?.type !== "ok") {
        ctx.report({ primary: true });
        await ctx.sleep(200); // etcd unreachable right now: try again shortly
        continue;
      }
      ctx.report({ primary: true, lease: (out.value as { lease: string }).lease });
      const reason = await Promise.race([lost.promise, stopped]);
      if (ctx.signal.aborted) break;
      await ctx.op("lost", { addr, key }, () => Promise.resolve(ok({ addr, key, reason })));
    }
    await lease?.revoke().catch(() => {}); // revoking the lease deletes the key
    client.close();
  },

  feed(ctx, registry): AddressFeed {
    let stop: AbortController | undefined;
    return {
      start(deliver) {
        stop?.abort();
        const run = new AbortController();
        stop = run;
        const signal = AbortSignal.any([run.signal, ctx.signal]);
        const client = ctx.client({ faultHandling: {} });
        const addrs = new Map<string, string>(); // registry key → address
        const show = (revision: number) => deliver({ addrs: [...addrs.values()].sort(), revision });
        (async () => {
          let watcher: Watcher | undefined;
          while (!signal.aborted && !watcher) {
            try {
              const res = await client.getAll().prefix(registry).exec();
              addrs.clear();
              for (const kv of res.kvs) addrs.set(kv.key.toString(), kv.value.toString());
              const revision = Number(res.header.revision);
              show(revision);
              watcher = await client.watch().prefix(registry)
                .startRevision(String(revision + 1)).create();
            } catch {
              await new Promise((r) => setTimeout(r, 100)); // etcd unreachable: try again
            }
          }
          if (!watcher) return;
          watcher.on("put", (kv: IKeyValue) => {
            addrs.set(kv.key.toString(), kv.value.toString());
            show(Number(kv.mod_revision));
          });
          watcher.on("delete", (kv: IKeyValue) => {
            addrs.delete(kv.key.toString());
            show(Number(kv.mod_revision));
          });
          // The README handles no errors; without a listener an "error" would crash the node.
          watcher.on("error", (e: Error) => console.error(`watcher error: ${e.message}`));
          if (!signal.aborted) {
            await new Promise((r) => signal.addEventListener("abort", r, { once: true }));
          }
          await watcher.cancel().catch(() => {});
        })().finally(() => client.close());
      },
      close() {
        stop?.abort();
      },
    };
  },
};
