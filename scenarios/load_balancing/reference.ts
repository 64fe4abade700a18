import { ok } from "../../lib/node/context.ts";
import type { NodeContext } from "../../lib/node/context.ts";
import { MemberClients } from "../../lib/recipes/member_clients.ts";
import { PrefixView } from "../../lib/recipes/prefix_view.ts";
import { Registration } from "../../lib/recipes/registration.ts";
import type { AddressFeed } from "./grpc_resolver.ts";
import type { LbSubject } from "./subject.ts";

/**
 * The correct registry: a server's key lives under a kept-alive lease and is
 * put again (under a new lease) as soon as it is lost; a client's resolver
 * reads the prefix once and then applies the watch's events revision by
 * revision, removing a server by the deleted key, never by the event's value.
 */
export const reference: LbSubject = {
  async serve(ctx, registry, addr) {
    const members = new MemberClients(ctx.endpoints.map((h) => ctx.client({ hosts: h })));
    const key = `${registry}${addr}`;
    const reg = new Registration(members, key, addr, { ttl: ctx.ttl });
    const stopped = new Promise<string>((r) =>
      ctx.signal.addEventListener("abort", () => r("stopped"), { once: true })
    );
    while (!ctx.signal.aborted) {
      const out = await ctx.op("register", { addr, key }, async () => {
        const r = await reg.register();
        return ok({ addr, key, lease: r.lease }, r.revision);
      });
      if (out?.type !== "ok") {
        ctx.report({ primary: true });
        await ctx.sleep(200); // etcd unreachable right now: try again shortly
        continue;
      }
      ctx.report({ primary: true, lease: (out.value as { lease: string }).lease });
      const reason = await Promise.race([reg.lost(), stopped]);
      if (ctx.signal.aborted) break;
      await ctx.op("lost", { addr, key }, () => Promise.resolve(ok({ addr, key, reason })));
    }
    await reg.close(); // revoking the lease deletes the key: clients drop us at once
    members.close();
  },

  feed(ctx, registry) {
    return viewFeed(ctx, registry);
  },
};

/** A feed of the values below `registry` from a {@link PrefixView}: one list per revision. */
function viewFeed(ctx: NodeContext, registry: string): AddressFeed {
  let stop: AbortController | undefined;
  return {
    start(deliver) {
      stop?.abort();
      const run = new AbortController();
      stop = run;
      const client = ctx.client();
      const view = new PrefixView(client, registry, (_changes, revision, entries) => {
        // Keyed by the registry key: a delete removes whatever address that key held.
        const addrs = [...entries.values()].map((e) => e.value).sort();
        deliver({ addrs, revision });
      });
      view.run(AbortSignal.any([run.signal, ctx.signal]), { record: ctx.watchRecorder() }).finally(
        () => client.close(),
      );
    },
    close() {
      stop?.abort();
    },
  };
}
