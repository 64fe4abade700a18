// examples/unfenced_lock.ts
/**
 * The same lock as fenced_lock.ts without the fence: the critical section's write is a plain
 * put, so a holder paused past its lease writes over its successor (the classic mistake;
 * `--expect invalid` pins that the checks catch it).
 */
import type { LockSubjectFactory } from "../mod.ts";
import { fail, ok, Session, waitDelete } from "../mod.ts";

const unfencedLock: LockSubjectFactory = (ctx, client, lockPrefix) => {
  const key = `${lockPrefix}my-lock`;
  let session: Session | undefined;
  return {
    async acquire() {
      while (!ctx.signal.aborted) {
        if (!session || session.lost) session = await Session.open(client, ctx.ttl);
        const res = await client.if(key, "Create", "==", 0)
          .then(client.put(key).value(ctx.node).lease(session.id))
          .commit();
        if (res.succeeded) return ok({}, res.header.revision);
        const next = Number(res.header.revision) + 1;
        await waitDelete(client, key, next, ctx.signal, 2 * ctx.ttl * 1000);
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

export default unfencedLock;
