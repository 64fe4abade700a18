import { fail, ok } from "../../lib/node/context.ts";
import { RevisionWatch } from "../../lib/recipes/revision_watch.ts";
import { itemId } from "./subject.ts";
import type { QueueSubjectFactory } from "./subject.ts";

/**
 * etcd's own queue recipe (Go's recipes.Queue): an item is a new key,
 * created only if absent; a consumer reads the oldest item by create
 * revision and claims it with a delete guarded on its mod revision, so of
 * two consumers that read the same item only one gets it (the other reads
 * again). An empty queue is waited on with a watch from the read's revision.
 */
export const reference: QueueSubjectFactory = (ctx, client, itemsPrefix) => ({
  keyFor: (id) => `${itemsPrefix}${id}`,
  async enqueue(id, key) {
    const res = await client.if(key, "Create", "==", 0)
      .then(client.put(key).value(JSON.stringify({ id })))
      .commit();
    return res.succeeded
      ? ok({ id, key }, res.header.revision)
      : fail("key already exists", { id, key }, res.header.revision);
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
    const res = await client.if(item.key, "Mod", "==", item.modRevision)
      .then(client.delete().key(item.key))
      .commit();
    return res.succeeded
      ? ok(item, res.header.revision)
      : fail("another consumer claimed it first", item, res.header.revision);
  },
  async waitForItems(revision, signal) {
    const watch = await RevisionWatch.open(client, {
      key: itemsPrefix,
      prefix: true,
      startRevision: revision + 1,
      record: ctx.watchRecorder(),
    });
    try {
      // Any event (or the watch ending) is a reason to read the head again.
      await watch.next(Number(ctx.params.emptyWaitMs), signal);
    } finally {
      watch.close();
    }
  },
});
