import { fail, ok } from "../../lib/node/context.ts";
import { atomic } from "../../lib/recipes/atomic.ts";
import { Session } from "../../lib/recipes/session.ts";
import { waitDelete } from "../../lib/recipes/wait_delete.ts";
import type { ElectionSubjectFactory } from "./subject.ts";

/**
 * The classic write-up's election: "whoever creates the key leads". Every
 * candidate races a create-if-absent transaction on one key with its lease;
 * the winner leads until it deletes the key, and nothing fences its work: a
 * leader paused past its TTL resumes and writes while another leads, and its
 * resign deletes whatever key is there. Observers take every put as the new leader.
 */
export const naive: ElectionSubjectFactory = (ctx, o) => {
  const c = o.client;
  const key = `${o.prefix}leader`;
  let session: Session | undefined;
  return {
    async campaign() {
      while (!ctx.signal.aborted) {
        if (!session || session.lost) {
          session?.close();
          session = await Session.open(c, ctx.ttl);
          ctx.report({ lease: session.id });
        }
        const res = await c.if(key, "Create", "==", 0)
          .then(c.put(key).value(o.identity).lease(session.id))
          .commit();
        const at = Number(res.header.revision);
        if (res.succeeded) return ok({ identity: o.identity, token: at }, at);
        await waitDelete(c, key, at + 1, ctx.signal, 2 * ctx.ttl * 1000);
      }
      return fail("stopped");
    },
    write: (ops, look) => atomic(c, ...ops, look),
    async resign() {
      const res = await c.delete().key(key).exec();
      return ok({ identity: o.identity }, res.header.revision);
    },
    async observe(seen, signal) {
      const watcher = await c.watch().prefix(o.prefix).create();
      watcher.on("put", (kv) =>
        seen(
          { identity: kv.value.toString(), token: Number(kv.create_revision) },
          Number(kv.mod_revision),
        ));
      watcher.on("delete", (kv) => seen(null, Number(kv.mod_revision)));
      watcher.on("error", () => {});
      await new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await watcher.cancel().catch(() => {});
    },
    lease: () => session?.id,
  };
};
