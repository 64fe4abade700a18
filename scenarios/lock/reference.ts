import { fail, ok } from "../../lib/node/context.ts";
import { FencedMutex, LockLostError } from "./fenced_mutex.ts";
import type { Hold } from "./fenced_mutex.ts";
import { Session } from "../../lib/recipes/session.ts";
import type { LockSubjectFactory } from "./subject.ts";

/**
 * The correct lock: queued by create revision, re-checked after waiting,
 * and every write fenced by the token (it applies only while our lock key,
 * with that create revision, still exists).
 */
export const reference: LockSubjectFactory = (ctx, client, lockPrefix) => {
  const mutex = new FencedMutex(client, lockPrefix);
  let session: Session | undefined;
  let hold: Hold | undefined;
  return {
    async acquire() {
      if (!session || session.lost) session = await Session.open(client, ctx.ttl);
      try {
        hold = await mutex.lock(session, ctx.signal, 2 * ctx.ttl * 1000);
      } catch (e) {
        if (e instanceof LockLostError) return fail(e.message);
        throw e;
      }
      return ok({ token: hold.token }, hold.token);
    },
    async write(counterKey, read) {
      const to = read.value + 1;
      const value = { from: read.value, to, readModRevision: read.modRevision, token: hold!.token };
      const res = await client.if(hold!.key, "Create", "==", hold!.token)
        .then(client.put(counterKey).value(String(to)))
        .commit();
      return res.succeeded
        ? ok(value, res.header.revision)
        : fail("fenced: the lock key is no longer ours", value, res.header.revision);
    },
    async release() {
      const h = hold!;
      hold = undefined;
      await mutex.unlock(h);
      return ok({ token: h.token });
    },
    lease: () => session?.id,
  };
};
