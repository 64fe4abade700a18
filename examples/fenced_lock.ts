// examples/fenced_lock.ts
/**
 * A lock as a user writes one, importing only the public API (mod.ts): create the lock key if
 * absent under a lease; the key's create revision is the fencing token, and the critical
 * section's write applies only while the lock key still has it. Drill it with
 * `deno task run lock --subject ./examples/fenced_lock.ts --faults pause-node`.
 */
import type { LockSubjectFactory } from "../mod.ts";
import { fail, ok, Session, waitDelete } from "../mod.ts";

const fencedLock: LockSubjectFactory = (ctx, client, lockPrefix) => {
  const key = `${lockPrefix}my-lock`;
  let session: Session | undefined;
  let token: number | undefined; // the lock key's create revision while we hold it
  return {
    async acquire() {
      while (!ctx.signal.aborted) {
        if (!session || session.lost) session = await Session.open(client, ctx.ttl);
        const res = await client.if(key, "Create", "==", 0)
          .then(client.put(key).value(ctx.node).lease(session.id))
          .commit();
        if (res.succeeded) {
          token = Number(res.header.revision);
          return ok({ token }, token);
        }
        const next = Number(res.header.revision) + 1;
        await waitDelete(client, key, next, ctx.signal, 2 * ctx.ttl * 1000);
      }
      return fail("stopped before acquiring");
    },
    async write(counterKey, read) {
      const to = read.value + 1;
      const value = { from: read.value, to, readModRevision: read.modRevision, token };
      const res = await client.if(key, "Create", "==", token!)
        .then(client.put(counterKey).value(String(to)))
        .commit();
      return res.succeeded
        ? ok(value, res.header.revision)
        : fail("fenced: the lock is no longer ours", value, res.header.revision);
    },
    async release() {
      const res = await client.if(key, "Create", "==", token!)
        .then(client.delete().key(key))
        .commit();
      token = undefined;
      return ok({ held: res.succeeded }, res.header.revision);
    },
    lease: () => session?.id,
  };
};

export default fencedLock;
