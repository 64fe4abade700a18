/**
 * Mutant of the reference resolver: it applies puts but drops delete events
 * (a dropped event), so a server etcd removed stays in the list.
 */
import { reference } from "../reference.ts";
import type { LbSubject } from "../subject.ts";
import type { AddressFeed } from "../grpc_resolver.ts";
import { PrefixView } from "../../../lib/recipes/prefix_view.ts";

const mutant: LbSubject = {
  serve: reference.serve,
  feed(ctx, registry): AddressFeed {
    let stop: AbortController | undefined;
    return {
      start(deliver) {
        stop?.abort();
        const run = new AbortController();
        stop = run;
        const client = ctx.client();
        const mine = new Map<string, string>();
        const view = new PrefixView(client, registry, (changes, revision, entries) => {
          if (mine.size === 0) { for (const [k, e] of entries) mine.set(k, e.value); }
          for (const c of changes) if (c.type === "put") mine.set(c.key, c.entry!.value);
          deliver({ addrs: [...mine.values()].sort(), revision });
        });
        view.run(AbortSignal.any([run.signal, ctx.signal])).finally(() => client.close());
      },
      close() {
        stop?.abort();
      },
    };
  },
};

export default mutant;
