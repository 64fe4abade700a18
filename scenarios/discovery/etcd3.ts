import type { Etcd3, IKeyValue, Lease, Watcher } from "etcd3";
import type { NodeContext } from "../../lib/node/context.ts";
import { ok } from "../../lib/node/context.ts";
import type { DiscoverySubject } from "./subject.ts";

/**
 * A client as etcd3's users ship it: the library's own fault handling (its
 * global retry of recoverable errors and its per-host circuit breaker), not
 * the harness's no-retry policy. The harness's deadline on unary calls stays,
 * so a call through a cut-off proxy ends and the run stays bounded; streams
 * (watch, keep-alive) get none, as in etcd3's defaults.
 */
function shippedClient(ctx: NodeContext): Etcd3 {
  return ctx.client({ faultHandling: {} });
}

/**
 * The registry as etcd3's README teaches it, nothing added. A service puts
 * its key with `client.lease(ttl).put(key)` (the lease keeps itself alive)
 * and, when the lease emits `lost`, registers again under a new
 * `client.lease(ttl)`; on stop it calls `lease.revoke()`. A discoverer reads
 * the prefix with `getAll().prefix()`, then follows it with
 * `client.watch().prefix(p).startRevision(read + 1).create()` and its `put` and
 * `delete` events, relying on the watcher's automatic reconnect and resume.
 */
export const etcd3Discovery: DiscoverySubject = {
  service(ctx, key, value) {
    const client = shippedClient(ctx);
    let lease: Lease | undefined;
    let id: string | undefined;
    let lost = Promise.withResolvers<string>();
    return {
      async register() {
        if (!lease || lease.revoked()) {
          const fresh = client.lease(ctx.ttl);
          const gone = Promise.withResolvers<string>();
          fresh.on("lost", (e: Error) => gone.resolve(`lease lost: ${e.message}`));
          lease = fresh;
          lost = gone;
          id = undefined;
        }
        const res = await lease.put(key).value(value).exec();
        id = await lease.grant();
        return ok({ lease: id }, res.header.revision);
      },
      next: () => lost.promise,
      lease: () => id,
      async close() {
        await lease?.revoke().catch(() => {});
        client.close();
      },
    };
  },
  discoverer(ctx, _harnessClient, prefix) {
    const client = shippedClient(ctx);
    return {
      async run(onView) {
        const view = new Map<string, string>();
        const show = (revision: number) => onView(Object.fromEntries(view), revision);
        let watcher: Watcher | undefined;
        while (!ctx.signal.aborted && !watcher) {
          try {
            const res = await client.getAll().prefix(prefix).exec();
            view.clear();
            for (const kv of res.kvs) view.set(kv.key.toString(), kv.value.toString());
            const revision = Number(res.header.revision);
            show(revision);
            watcher = await client.watch().prefix(prefix).startRevision(String(revision + 1))
              .create();
            // Instrumentation, not part of the recipe: what the watch delivers, for watch-guarantees.
            watcher.on(
              "data",
              ctx.watchRecorder().open({ key: prefix, prefix: true, start: revision + 1 }),
            );
          } catch {
            await ctx.sleep(100); // etcd unreachable at start: try again
          }
        }
        if (!watcher) return;
        watcher.on("put", (kv: IKeyValue) => {
          view.set(kv.key.toString(), kv.value.toString());
          show(Number(kv.mod_revision));
        });
        watcher.on("delete", (kv: IKeyValue) => {
          view.delete(kv.key.toString());
          show(Number(kv.mod_revision));
        });
        // The README handles no errors; without a listener an "error" would crash the node.
        watcher.on("error", (e: Error) => console.error(`watcher error: ${e.message}`));
        await new Promise((r) => ctx.signal.addEventListener("abort", r, { once: true }));
        await watcher.cancel().catch(() => {});
        client.close();
      },
    };
  },
};
