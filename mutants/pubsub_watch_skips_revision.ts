/**
 * Mutant of the reference subscriber: every watch it opens starts one
 * revision later than asked (a watch that resumes from the wrong revision:
 * `from + 1` where `from` already meant "the one after"), so the first
 * message after each (re)subscription is skipped.
 */
import type { Etcd3 } from "etcd3";
import { reference } from "../scenarios/pubsub/reference.ts";
import type { PubSubSubject } from "../scenarios/pubsub/subject.ts";

/** The client with its watch streams' start revisions moved one on. */
function oneRevisionLate(client: Etcd3): Etcd3 {
  const bound = <T extends object>(t: T, p: string | symbol) => {
    const v = Reflect.get(t, p);
    return typeof v === "function" ? v.bind(t) : v;
  };
  const watchClient = new Proxy(client.watchClient, {
    get(t, p) {
      if (p !== "watch") return bound(t, p);
      return async (...args: unknown[]) => {
        // deno-lint-ignore no-explicit-any
        const stream = await (t.watch as any)(...args);
        const write = stream.write.bind(stream);
        // deno-lint-ignore no-explicit-any
        stream.write = (req: any, ...rest: unknown[]) => {
          const create = req?.create_request;
          if (create?.start_revision) create.start_revision = Number(create.start_revision) + 1;
          return write(req, ...rest);
        };
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
  subscriber: (ctx, client, keys) => reference.subscriber(ctx, oneRevisionLate(client), keys),
};

export default mutant;
