/**
 * Mutant of the reference watcher (scenarios/notification/reference.ts, one
 * line changed): a state it reads is reported at the read's header revision,
 * the store's newest, instead of the key's mod revision: it claims etcd put
 * that state at a revision where nothing was put to the key (the classic
 * mix-up of the two revisions a read returns).
 */
import { fail, ok } from "../lib/node/context.ts";
import { RevisionWatch } from "../lib/recipes/revision_watch.ts";
import { jobKey, parseJob } from "../scenarios/notification/subject.ts";
import type { NotificationSubjectFactory } from "../scenarios/notification/subject.ts";

const mutant: NotificationSubjectFactory = (ctx, client, prefix) => ({
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
          await observe(state, Number(res.header.revision)); // the defect: not kv.mod_revision
          if (state.done) return ok(state, kv.mod_revision);
        }
        watch = await RevisionWatch.open(client, {
          key,
          startRevision: Number(res.header.revision) + 1,
        });
        for (;;) {
          const events = await watch.next(quietMs, signal);
          if (events.length === 0) break;
          for (const e of events) {
            const s = e.type === "Put" ? parseJob(e.kv.value) : null;
            if (!s) continue;
            await observe(s, Number(e.kv.mod_revision));
            if (s.done) return ok(s, e.kv.mod_revision);
          }
        }
      } catch {
        await ctx.sleep(200);
      } finally {
        watch?.close();
      }
    }
    return fail("stopped before the job was seen done");
  },
});

export default mutant;
