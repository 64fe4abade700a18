import type { IKeyValue, Watcher } from "etcd3";
import { ok } from "../../lib/node/context.ts";
import { messageId } from "./subject.ts";
import type { Message, PubSubSubject, Subscriber } from "./subject.ts";

const WAIT_MS = 500;

/**
 * The classic write-up's pub/sub: the publisher keys each message by the
 * clock's second (two messages in one second overwrite each other), the
 * subscriber watches the prefix from "now" and delivers creates only, and
 * keeps no resume revision: a restarted subscriber starts from "now" again.
 */
export const naive: PubSubSubject = {
  publisher: (_ctx, client, keys) => ({
    keyFor: () => `${keys.messages}${new Date().getSeconds()}`,
    async publish(id, key) {
      const res = await client.put(key).value(JSON.stringify({ id })).exec();
      return ok({ id, key }, res.header.revision);
    },
  }),
  subscriber(ctx, client, keys): Subscriber {
    let watcher: Watcher | undefined;
    let position = 0;
    let pending: Message[] = [];
    let wake: (() => void) | undefined;
    return {
      async subscribe() {
        const w = await client.watch().prefix(keys.messages).create();
        w.on("error", () => {}); // the write-up handles no errors
        w.on("put", (kv: IKeyValue) => {
          const revision = Number(kv.mod_revision);
          position = Math.max(position, revision);
          // Creates only: an update (an overwritten key) is dropped.
          if (kv.version !== "1") return;
          pending.push({ id: messageId(kv.value), key: kv.key.toString(), revision });
          wake?.();
        });
        watcher = w;
        // The library has set the resume revision to the creation header + 1.
        const from = Number(w.lastRevision()) - 1;
        position = Math.max(position, from);
        return ok({ from }, from);
      },
      async pump(signal) {
        if (pending.length === 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, WAIT_MS);
            signal.addEventListener("abort", done, { once: true });
            wake = done;
            function done() {
              clearTimeout(timer);
              signal.removeEventListener("abort", done);
              wake = undefined;
              resolve();
            }
          });
        }
        if (pending.length === 0) return;
        const messages = pending;
        pending = [];
        await ctx.op("deliver", { messages }, () => Promise.resolve(ok({ messages })));
      },
      position: () => position,
      close() {
        watcher?.cancel().catch(() => {});
      },
    };
  },
};
