import type { IKeyValue, Watcher } from "etcd3";
import { fail, ok } from "../../lib/node/context.ts";
import type { Outcome } from "../../lib/node/context.ts";
import { jobKey, parseJob } from "./subject.ts";
import type { NotificationSubjectFactory } from "./subject.ts";

/**
 * A completion watcher as etcd3's README teaches it: `client.get(key)` for
 * the state now, then `client.watch().key(key).startRevision(read + 1)
 * .create()` and its `put` events until one says done, relying on the
 * watcher's automatic reconnect and resume (no re-read, no quiet timer). The
 * client keeps etcd3's default fault handling (its retries and circuit
 * breaker), as users ship it.
 */
export const etcd3Notification: NotificationSubjectFactory = (ctx, _harnessClient, prefix) => {
  const client = ctx.client({ faultHandling: {} });
  return {
    async waitDone(k, signal, observe) {
      const key = jobKey(prefix, k);
      let watcher: Watcher | undefined;
      try {
        while (!signal.aborted && !watcher) {
          try {
            const res = await client.get(key).exec();
            const kv = res.kvs[0];
            const state = kv && parseJob(kv.value);
            if (state) {
              await observe(state, Number(kv.mod_revision));
              if (state.done) return ok(state, kv.mod_revision);
            }
            watcher = await client.watch().key(key)
              .startRevision(String(Number(res.header.revision) + 1)).create();
          } catch {
            await ctx.sleep(200); // etcd unreachable at start: try again
          }
        }
        if (!watcher) return fail("stopped before the job was seen done");
        const w = watcher;
        return await new Promise<Outcome>((resolve) => {
          const stop = () => resolve(fail("stopped before the job was seen done"));
          signal.addEventListener("abort", stop, { once: true });
          // The README handles no errors; without a listener an "error" would crash the node.
          w.on("error", (e: Error) => console.error(`watcher error: ${e.message}`));
          w.on("put", (kv: IKeyValue) => {
            const s = parseJob(kv.value);
            if (!s) return;
            observe(s, Number(kv.mod_revision)).then(() => {
              if (!s.done) return;
              signal.removeEventListener("abort", stop);
              resolve(ok(s, kv.mod_revision));
            });
          });
        });
      } finally {
        await watcher?.cancel().catch(() => {});
      }
    },
  };
};
