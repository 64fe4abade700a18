/**
 * Mutant of the reference resolver: it reads the registry until it finds a
 * server, then never applies the watch (its watch died and nobody noticed),
 * so its list goes stale as servers come and go.
 */
import { reference } from "../reference.ts";
import type { LbSubject } from "../subject.ts";
import type { AddressFeed } from "../grpc_resolver.ts";

const mutant: LbSubject = {
  serve: reference.serve,
  feed(ctx, registry): AddressFeed {
    return {
      start(deliver) {
        const client = ctx.client();
        (async () => {
          while (!ctx.signal.aborted) {
            const res = await client.getAll().prefix(registry).exec().catch(() => undefined);
            if (res && res.kvs.length > 0) {
              const addrs = res.kvs.map((kv) => kv.value.toString()).sort();
              return deliver({ addrs, revision: Number(res.header.revision) });
            }
            await ctx.sleep(200);
          }
        })().finally(() => client.close());
      },
      close() {},
    };
  },
};

export default mutant;
