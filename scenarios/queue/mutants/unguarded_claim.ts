/**
 * Mutant of the reference queue: the claim deletes the item without the
 * guard on its mod revision (an unguarded transaction), so two consumers that
 * read the same head both believe they took it.
 */
import { ok } from "../../../lib/node/context.ts";
import { reference } from "../reference.ts";
import type { QueueSubjectFactory } from "../subject.ts";

const mutant: QueueSubjectFactory = (ctx, client, itemsPrefix) => ({
  ...reference(ctx, client, itemsPrefix),
  async claim(item) {
    const res = await client.delete().key(item.key).exec();
    return ok(item, res.header.revision);
  },
});

export default mutant;
