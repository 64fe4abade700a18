/**
 * Mutant of the reference lock, written as a user might: the head of the
 * queue holds the lock, and every other contender waits for its
 * predecessor's key to go, but looks the predecessor up at or below its own
 * create revision, so the key it watches is its own. Its lease is kept
 * alive, so that key never goes: after the first grant or two every
 * contender waits forever (a deadlock). Nothing it does is unsafe; only the
 * `progress` check can catch it.
 */
import type { Etcd3 } from "etcd3";
import { fail, ok } from "../../../lib/node/context.ts";
import { Session } from "../../../lib/recipes/session.ts";
import { waitDelete } from "../../../lib/recipes/wait_delete.ts";
import type { Hold } from "../fenced_mutex.ts";
import type { LockSubjectFactory } from "../subject.ts";

/** No safety net: the wait ends only when the watched key goes or the node stops (longest timer). */
const FOREVER_MS = 2 ** 31 - 1;

async function lock(c: Etcd3, prefix: string, session: Session, signal: AbortSignal) {
  const key = `${prefix}${session.hexId}`;
  const res = await c.if(key, "Create", "==", 0)
    .then(c.put(key).value("").lease(session.id))
    .else(c.get(key))
    .commit();
  const token = res.succeeded
    ? Number(res.header.revision)
    : Number(res.responses[0].response_range.kvs[0].create_revision);
  while (!signal.aborted) {
    const head = await c.getAll().prefix(prefix).sort("Create", "Ascend").limit(1).exec();
    if (Number(head.kvs[0]?.create_revision) === token) return { key, token };
    // The defect: `token`, not `token - 1`, so the newest key at or below ours is ours.
    const before = await c.getAll().prefix(prefix).maxCreateRevision(String(token))
      .sort("Create", "Descend").limit(1).exec();
    if (before.kvs.length === 0) continue;
    await waitDelete(c, before.kvs[0].key, Number(before.header.revision) + 1, signal, FOREVER_MS);
  }
  throw new Error("stopped while waiting for the lock");
}

const mutant: LockSubjectFactory = (ctx, client, lockPrefix) => {
  let session: Session | undefined;
  let hold: Hold | undefined;
  return {
    async acquire() {
      if (!session || session.lost) session = await Session.open(client, ctx.ttl);
      hold = await lock(client, lockPrefix, session, ctx.signal);
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
      await client.delete().key(h.key).exec();
      return ok({ token: h.token });
    },
    lease: () => session?.id,
  };
};

export default mutant;
