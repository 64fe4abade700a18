import type { CounterWrite } from "./checks/counter.ts";
import { ExecChannel } from "../../lib/subjects/exec_channel.ts";
import type { LockSubjectFactory } from "./subject.ts";

/**
 * The lock subject of a program (`--subject 'exec:CMD ARGS'`), over the
 * exec line protocol (docs/exec-protocol.md#lock): `acquire`, `write` and
 * `release` calls with deadlines; the program holds the lock, its lease and
 * any fencing in its own process.
 */
export const execLock: LockSubjectFactory = (ctx, _client, lockPrefix) => {
  const channel = new ExecChannel(ctx, { scenario: "lock" });
  const callMs = ctx.callTimeoutMs;
  // Waiting for the lock may take a holder's TTL and more (a pause, a queue of contenders).
  const acquireMs = 3 * ctx.ttl * 1000 + 2 * callMs;
  let token: number | undefined;
  return {
    async acquire() {
      token = undefined;
      const out = await channel.call("acquire", { prefix: lockPrefix }, acquireMs);
      const t = (out.value as { token?: unknown } | undefined)?.token;
      if (out.type === "ok" && t !== undefined) token = Number(t);
      return out;
    },
    async write(counterKey, read) {
      const to = read.value + 1;
      const value: CounterWrite = {
        from: read.value,
        to,
        readModRevision: read.modRevision,
        token,
      };
      const out = await channel.call("write", { key: counterKey, read, to }, 2 * callMs);
      return { ...out, value };
    },
    async release() {
      const out = await channel.call("release", {}, 2 * callMs);
      token = undefined;
      return out;
    },
    lease: () => channel.lease(),
  };
};
