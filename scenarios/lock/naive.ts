import { fail, ok } from "../../lib/node/context.ts";
import { Session } from "../../lib/recipes/session.ts";
import { waitDelete } from "../../lib/recipes/wait_delete.ts";
import type { LockSubjectFactory } from "./subject.ts";

/**
 * The classic write-up's lock: sessions race a transaction that creates the
 * lock key if absent; the winner holds, the others wait for its release.
 * No fencing: the critical section's write is unguarded.
 */
export const naive: LockSubjectFactory = (ctx, client, lockPrefix) => {
  const key = `${lockPrefix}the-lock`;
  let session: Session | undefined;
  return {
    async acquire() {
      while (!ctx.signal.aborted) {
        if (!session || session.lost) session = await Session.open(client, ctx.ttl);
        const res = await client.if(key, "Create", "==", 0)
          .then(client.put(key).value(ctx.node).lease(session.id))
          .commit();
        if (res.succeeded) return ok({}, res.header.revision);
        await waitDelete(
          client,
          key,
          Number(res.header.revision) + 1,
          ctx.signal,
          2 * ctx.ttl * 1000,
        );
      }
      return fail("stopped before acquiring");
    },
    async write(counterKey, read) {
      const to = read.value + 1;
      const res = await client.put(counterKey).value(String(to)).exec();
      return ok({ from: read.value, to, readModRevision: read.modRevision }, res.header.revision);
    },
    async release() {
      await client.delete().key(key).exec();
      return ok();
    },
    lease: () => session?.id,
  };
};
