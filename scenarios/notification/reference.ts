import { fail, ok } from "../../lib/node/context.ts";
import { RevisionWatch } from "../../lib/recipes/revision_watch.ts";
import { jobKey, parseJob } from "./subject.ts";
import type { NotificationSubjectFactory } from "./subject.ts";

/**
 * Read, then watch from the read's revision + 1: a watcher that starts (or
 * restarts) after the completion sees it in the read; one that starts before
 * misses nothing in between. A watch that ends (member gone, compaction) or
 * stays quiet past `quietMs` is replaced by a fresh read and watch: etcd3
 * offers no "require leader", so a watch on a cut-off member can go silent.
 */
export const reference: NotificationSubjectFactory = (ctx, client, prefix) => ({
  async waitDone(k, signal, observe) {
    const key = jobKey(prefix, k);
    const quietMs = Number(ctx.params.quietMs ?? 1500);
    while (!signal.aborted) {
      let watch: RevisionWatch | undefined;
      try {
        const res = await client.get(key).exec();
        const kv = res.kvs[0];
        const state = kv && parseJob(kv.value);
        if (state) {
          await observe(state, Number(kv.mod_revision));
          if (state.done) return ok(state, kv.mod_revision);
        }
        watch = await RevisionWatch.open(client, {
          key,
          startRevision: Number(res.header.revision) + 1,
          record: ctx.watchRecorder(),
        });
        for (;;) {
          const events = await watch.next(quietMs, signal);
          if (events.length === 0) break; // quiet or stopped: read again
          for (const e of events) {
            const s = e.type === "Put" ? parseJob(e.kv.value) : null;
            if (!s) continue;
            await observe(s, Number(e.kv.mod_revision));
            if (s.done) return ok(s, e.kv.mod_revision);
          }
        }
      } catch {
        await ctx.sleep(200); // etcd unreachable or the watch ended: back off, read again
      } finally {
        watch?.close();
      }
    }
    return fail("stopped before the job was seen done");
  },
});
