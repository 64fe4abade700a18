/**
 * Mutant of the reference lock: the counter write drops the fence (no
 * transaction on the lock key's create revision), so a holder paused past
 * its TTL writes over its successor.
 */
import { ok } from "../../../lib/node/context.ts";
import { reference } from "../reference.ts";
import type { LockSubjectFactory } from "../subject.ts";

const mutant: LockSubjectFactory = (ctx, client, lockPrefix) => ({
  ...reference(ctx, client, lockPrefix),
  async write(counterKey, read) {
    const to = read.value + 1;
    const res = await client.put(counterKey).value(String(to)).exec();
    return ok({ from: read.value, to, readModRevision: read.modRevision }, res.header.revision);
  },
});

export default mutant;
