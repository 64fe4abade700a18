import { createHash } from "node:crypto";
import { ok } from "../../lib/node/context.ts";
import { itemId } from "./subject.ts";
import type { QueueSubjectFactory } from "./subject.ts";

/**
 * The classic write-up's FIFO queue: an item's key is the md5 of the time,
 * put unguarded; a consumer gets the first item by create revision and
 * deletes it with an unguarded delete, taking the item whatever the delete
 * did: two consumers that read the same item both take it. An empty queue
 * is polled.
 */
export const naive: QueueSubjectFactory = (ctx, client, itemsPrefix) => ({
  keyFor: () => {
    const now = `${performance.timeOrigin + performance.now()}`;
    return `${itemsPrefix}${createHash("md5").update(now).digest("hex")}`;
  },
  async enqueue(id, key) {
    const res = await client.put(key).value(JSON.stringify({ id })).exec();
    return ok({ id, key }, res.header.revision);
  },
  async head() {
    const res = await client.getAll().prefix(itemsPrefix).sort("Create", "Ascend").limit(1).exec();
    const kv = res.kvs[0];
    return {
      item: kv
        ? {
          id: itemId(kv.value),
          key: kv.key.toString(),
          createRevision: Number(kv.create_revision),
          modRevision: Number(kv.mod_revision),
        }
        : null,
      revision: Number(res.header.revision),
    };
  },
  async claim(item) {
    const res = await client.delete().key(item.key).exec();
    return ok(item, res.header.revision);
  },
  async waitForItems(_revision, signal) {
    if (!signal.aborted) await ctx.sleep(Number(ctx.params.pollMs));
  },
});
