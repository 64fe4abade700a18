import type { IKeyValue } from "etcd3";
import { fail, ok } from "../../lib/node/context.ts";
import { jobKey, parseJob } from "./subject.ts";
import type { JobState, NotificationSubjectFactory } from "./subject.ts";

/**
 * The classic write-up's watcher: it only watches the job's key, from "now",
 * with no initial read. A watcher that starts after the completion never
 * sees it and waits forever.
 */
export const naive: NotificationSubjectFactory = (_ctx, client, prefix) => ({
  async waitDone(k, signal, observe) {
    const watcher = await client.watch().key(jobKey(prefix, k)).create();
    watcher.on("error", () => {}); // the write-up handles no errors
    try {
      const done = await new Promise<JobState | null>((resolve) => {
        let chain = Promise.resolve();
        watcher.on("put", (kv: IKeyValue) => {
          const s = parseJob(kv.value);
          if (!s) return;
          // Observations are recorded in the order the events came.
          chain = chain.then(() => observe(s, Number(kv.mod_revision))).then(() => {
            if (s.done) finish(s);
          });
        });
        const stop = () => finish(null);
        if (signal.aborted) stop();
        signal.addEventListener("abort", stop, { once: true });
        function finish(s: JobState | null) {
          signal.removeEventListener("abort", stop);
          resolve(s);
        }
      });
      return done ? ok(done) : fail("stopped before the job was seen done");
    } finally {
      watcher.cancel().catch(() => {});
    }
  },
});
