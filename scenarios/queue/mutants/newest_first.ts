/**
 * Mutant of the reference queue: the head is read newest first (the sort
 * order flipped), so consumers claim the youngest item while older ones wait.
 */
import { itemId } from "../subject.ts";
import { reference } from "../reference.ts";
import type { QueueSubjectFactory } from "../subject.ts";

const mutant: QueueSubjectFactory = (ctx, client, itemsPrefix) => ({
  ...reference(ctx, client, itemsPrefix),
  async head() {
    const res = await client.getAll().prefix(itemsPrefix).sort("Create", "Descend").limit(1).exec();
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
});

export default mutant;
