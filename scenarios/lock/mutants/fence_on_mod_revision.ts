/**
 * Mutant of the reference lock: the fence compares the lock key's mod
 * revision instead of its create revision. Equivalent: the lock key is
 * written once, when it is created, and never modified, so its mod revision
 * always equals its create revision and the guard decides the same.
 */
import { fail, ok } from "../../../lib/node/context.ts";
import { reference } from "../reference.ts";
import type { LockSubjectFactory } from "../subject.ts";

const mutant: LockSubjectFactory = (ctx, client, lockPrefix) => {
  const base = reference(ctx, client, lockPrefix);
  let hold: { token: number } | undefined;
  return {
    ...base,
    async acquire() {
      const r = await base.acquire();
      hold = r.type === "ok" ? r.value as { token: number } : undefined;
      return r;
    },
    async write(counterKey, read) {
      const token = hold!.token;
      const to = read.value + 1;
      const value = { from: read.value, to, readModRevision: read.modRevision, token };
      // The lock key: the one of this session whose create revision is the token.
      const keys = await client.getAll().prefix(lockPrefix).exec();
      const mine = keys.kvs.find((kv) => Number(kv.create_revision) === token);
      if (!mine) return fail("fenced: the lock key is gone", value);
      const res = await client.if(mine.key.toString(), "Mod", "==", token)
        .then(client.put(counterKey).value(String(to)))
        .commit();
      return res.succeeded
        ? ok(value, res.header.revision)
        : fail("fenced: the lock key is no longer ours", value, res.header.revision);
    },
  };
};

export default mutant;
