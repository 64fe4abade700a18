import type { IKeyValue } from "etcd3";
import { ok } from "../../lib/node/context.ts";
import type { DiscoverySubject } from "./subject.ts";

/**
 * The classic write-up's registry. A service, on every refresh tick, grants a
 * fresh lease, reads its key and puts it again under the new lease; it never
 * keeps a lease alive and never revokes the old ones (on stop it deletes its
 * key). A discoverer reads the prefix once, then watches it from "now" (no
 * start revision: what changed in between is lost) and acts on creates and
 * deletes only, ignoring puts that update a key.
 */
export const naive: DiscoverySubject = {
  service(ctx, key, value) {
    const client = ctx.client();
    let lease: string | undefined;
    const tickMs = ctx.ttl * 1000 / 3;
    return {
      async register() {
        const granted = await client.leaseClient.leaseGrant({ TTL: ctx.ttl });
        lease = String(granted.ID);
        await client.get(key).exec(); // the write-up puts whether the key exists or not
        const res = await client.put(key).value(value).lease(lease).exec();
        return ok({ lease }, res.header.revision);
      },
      next: () => ctx.sleep(tickMs).then(() => "refresh tick"),
      lease: () => lease,
      async close() {
        await client.delete().key(key).exec().catch(() => {});
      },
    };
  },
  discoverer(ctx, client, prefix) {
    return {
      async run(onView) {
        const view = new Map<string, string>();
        const show = (revision: number) => onView(Object.fromEntries(view), revision);
        while (!ctx.signal.aborted) {
          try {
            const res = await client.getAll().prefix(prefix).exec();
            for (const kv of res.kvs) view.set(kv.key.toString(), kv.value.toString());
            show(Number(res.header.revision));
            break;
          } catch {
            await ctx.sleep(100);
          }
        }
        if (ctx.signal.aborted) return;
        const watcher = client.watch().prefix(prefix).watcher(); // from "now"
        watcher.on("put", (kv: IKeyValue) => {
          if (kv.create_revision !== kv.mod_revision) return; // "if event.IsCreate()"
          view.set(kv.key.toString(), kv.value.toString());
          show(Number(kv.mod_revision));
        });
        watcher.on("delete", (kv: IKeyValue) => {
          view.delete(kv.key.toString());
          show(Number(kv.mod_revision));
        });
        watcher.on("error", () => {});
        await new Promise((r) => ctx.signal.addEventListener("abort", r, { once: true }));
        watcher.cancel().catch(() => {});
      },
    };
  },
};
