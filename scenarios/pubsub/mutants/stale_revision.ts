/**
 * Mutant of the reference publisher: it acknowledges a message with the
 * revision of a read it took before the put (a stale read used for a
 * decision), so what it reports as published is not where etcd put it.
 */
import { ok } from "../../../lib/node/context.ts";
import { reference } from "../reference.ts";
import type { PubSubSubject } from "../subject.ts";

const mutant: PubSubSubject = {
  publisher: (ctx, client, keys) => ({
    ...reference.publisher(ctx, client, keys),
    async publish(id, key) {
      const before = await client.get(key).exec();
      await client.put(key).value(JSON.stringify({ id })).exec();
      return ok({ id, key }, before.header.revision);
    },
  }),
  subscriber: reference.subscriber,
};

export default mutant;
