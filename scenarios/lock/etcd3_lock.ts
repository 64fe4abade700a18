import { EtcdLockFailedError } from "etcd3";
import type { Lock } from "etcd3";
import { fail, ok } from "../../lib/node/context.ts";
import type { LockSubjectFactory } from "./subject.ts";

/**
 * The etcd3 npm library's own `client.lock()`: a try-lock (one transaction,
 * no queue, no fencing token), retried until it succeeds; writes unguarded.
 */
export const etcd3Lock: LockSubjectFactory = (ctx, client, lockPrefix) => {
  let lock: Lock | undefined;
  let leaseId: string | undefined;
  return {
    async acquire() {
      while (!ctx.signal.aborted) {
        const attempt = client.lock(`${lockPrefix}the-lock`).ttl(ctx.ttl);
        try {
          await attempt.acquire();
          lock = attempt;
          leaseId = (await attempt.leaseId()) ?? undefined;
          return ok({ lease: leaseId });
        } catch (e) {
          if (!(e instanceof EtcdLockFailedError)) throw e;
          await ctx.sleep(50 + ctx.random() * 100);
        }
      }
      return fail("stopped before acquiring");
    },
    async write(counterKey, read) {
      const to = read.value + 1;
      const res = await client.put(counterKey).value(String(to)).exec();
      return ok({ from: read.value, to, readModRevision: read.modRevision }, res.header.revision);
    },
    async release() {
      const l = lock!;
      lock = undefined;
      leaseId = undefined;
      await l.release();
      return ok();
    },
    lease: () => leaseId,
  };
};
