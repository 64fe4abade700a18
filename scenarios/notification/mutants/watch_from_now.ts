/**
 * Mutant of the reference watcher: it watches from "now" and never reads
 * the key first or again (a watch that resumes from the wrong revision: the
 * one after whatever happened before it looked), so a watcher that starts
 * after the completion waits forever.
 */
import { fail, ok } from "../../../lib/node/context.ts";
import { RevisionWatch } from "../../../lib/recipes/revision_watch.ts";
import { jobKey, parseJob } from "../subject.ts";
import type { NotificationSubjectFactory } from "../subject.ts";

const mutant: NotificationSubjectFactory = (_ctx, client, prefix) => ({
  async waitDone(k, signal, observe) {
    const key = jobKey(prefix, k);
    const now = Number((await client.get(key).exec()).header.revision);
    const watch = await RevisionWatch.open(client, { key, startRevision: now + 1 });
    try {
      while (!signal.aborted) {
        for (const e of await watch.next(60_000, signal)) {
          const s = e.type === "Put" ? parseJob(e.kv.value) : null;
          if (!s) continue;
          await observe(s, Number(e.kv.mod_revision));
          if (s.done) return ok(s, e.kv.mod_revision);
        }
      }
    } finally {
      watch.close();
    }
    return fail("stopped before the job was seen done");
  },
});

export default mutant;
