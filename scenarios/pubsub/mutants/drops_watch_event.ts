/**
 * Mutant of the reference subscriber: its client loses one watch event in
 * ten (a handler that returns early on a batch it did not expect), so
 * messages go missing without a gap being named.
 */
import type { Etcd3 } from "etcd3";
import { reference } from "../reference.ts";
import type { PubSubSubject } from "../subject.ts";

/** The client with one watch event in ten dropped from its watch streams. */
function lossyWatches(client: Etcd3): Etcd3 {
  const bound = <T extends object>(t: T, p: string | symbol) => {
    const v = Reflect.get(t, p);
    return typeof v === "function" ? v.bind(t) : v;
  };
  let seen = 0;
  const watchClient = new Proxy(client.watchClient, {
    get(t, p) {
      if (p !== "watch") return bound(t, p);
      return async (...args: unknown[]) => {
        // deno-lint-ignore no-explicit-any
        const stream = await (t.watch as any)(...args);
        const on = stream.on.bind(stream);
        // deno-lint-ignore no-explicit-any
        stream.on = (name: string, fn: (res: any) => void) =>
          on(
            name,
            name !== "data" ? fn : (res: { events?: unknown[] }) => {
              if (res.events?.length) res.events = res.events.filter(() => ++seen % 10 !== 0);
              fn(res);
            },
          );
        return stream;
      };
    },
  });
  return new Proxy(client, {
    get: (t, p) => (p === "watchClient" ? watchClient : bound(t, p)),
  });
}

const mutant: PubSubSubject = {
  publisher: reference.publisher,
  subscriber: (ctx, client, keys) => reference.subscriber(ctx, lossyWatches(client), keys),
};

export default mutant;
