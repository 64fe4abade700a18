import type { Etcd3, IEvent } from "etcd3";
import { ok } from "../../lib/node/context.ts";
import type { AddressFeed, ResolvedAddresses } from "./grpc_resolver.ts";
import type { LbSubject } from "./subject.ts";

/**
 * The classic write-up's balancer. Its server grants a fresh lease every
 * interval (2/3 of the TTL, as its 10 s / 15 s) and puts its key under it,
 * never keeping one alive or revoking the last. Its resolver reads the prefix
 * once, then, for every update, opens a new watch from "now" and takes the
 * first event of its first response (events in between are missed); on a
 * delete it removes the event's value, which a delete never carries, so a
 * dead server's address is never removed.
 */
export const naive: LbSubject = {
  async serve(ctx, registry, addr) {
    const client = ctx.client();
    const key = `${registry}${addr}`;
    const intervalMs = (ctx.ttl * 1000 * 2) / 3;
    while (!ctx.signal.aborted) {
      await ctx.op("register", { addr, key }, async () => {
        const grant = await client.leaseClient.leaseGrant({ TTL: ctx.ttl });
        const lease = String(grant.ID);
        // The write-up reads the key, then puts it under the new lease whether it exists or not.
        await client.get(key).exec();
        const res = await client.put(key).value(addr).lease(lease).exec();
        ctx.report({ primary: true, lease });
        return ok({ addr, key, lease }, res.header.revision);
      });
      await ctx.sleep(intervalMs); // the write-up's ticker
    }
    // UnRegister: delete the key.
    await client.delete().key(key).exec().catch(() => {});
    client.close();
  },

  feed(ctx, registry) {
    let stop: AbortController | undefined;
    return {
      start(deliver) {
        stop?.abort();
        const run = new AbortController();
        stop = run;
        const signal = AbortSignal.any([run.signal, ctx.signal]);
        const client = ctx.client();
        const waitMs = 10 * ctx.ttl * 1000;
        (async () => {
          const addrs = new Set<string>();
          let read: Awaited<ReturnType<ReturnType<Etcd3["getAll"]>["exec"]>> | undefined;
          while (!read && !signal.aborted) {
            read = await client.getAll().prefix(registry).exec().catch(() => undefined);
            if (!read) await new Promise((r) => setTimeout(r, 200));
          }
          if (!read) return;
          for (const kv of read.kvs) addrs.add(kv.value.toString());
          deliver(view(addrs, Number(read.header.revision)));
          while (!signal.aborted) {
            const ev = await firstEvent(client, registry, signal, waitMs);
            if (!ev) continue;
            const value = ev.kv.value.toString();
            if (ev.type === "Put") addrs.add(value);
            else addrs.delete(value); // the flaw: a delete event's value is empty
            deliver(view(addrs, Number(ev.kv.mod_revision)));
          }
        })().catch((e) => console.error("naive resolver stopped:", e)).finally(() =>
          client.close()
        );
      },
      close() {
        stop?.abort();
      },
    } satisfies AddressFeed;
  },
};

function view(addrs: Set<string>, revision: number): ResolvedAddresses {
  return { addrs: [...addrs].sort(), revision };
}

/** A new watch from the current revision; the first event of its first response, or none in time. */
async function firstEvent(
  client: Etcd3,
  prefix: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<IEvent | undefined> {
  const watcher = client.watch().prefix(prefix).watcher();
  try {
    return await new Promise<IEvent | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const onAbort = () => done(undefined);
      signal.addEventListener("abort", onAbort, { once: true });
      watcher.on("data", (res) => {
        if (res.events.length > 0) done(res.events[0]);
      });
      watcher.on("error", () => done(undefined));
      function done(ev: IEvent | undefined) {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(ev);
      }
    });
  } finally {
    watcher.cancel().catch(() => {});
  }
}
