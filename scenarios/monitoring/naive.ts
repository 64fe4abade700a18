import type { MonitorFactory } from "./subject.ts";

/**
 * The classic write-up's monitor, as a poller: once per TTL (or every
 * `pollMs`) it lists the heartbeat keys and compares the set of members with
 * the last poll. It
 * looks at no revision, so a member that dies and comes back between two
 * polls (its key expired and re-created, or replaced under a new lease) is
 * never seen down.
 */
export const naive: MonitorFactory = (ctx, client, prefix) => ({
  async run(report) {
    const every = Number(ctx.params.pollMs ?? ctx.ttl * 1000);
    let last = new Set<string>();
    while (!ctx.signal.aborted) {
      try {
        const keys = await client.getAll().prefix(prefix).keys();
        const now = new Set(keys.map((k) => k.slice(prefix.length)));
        for (const m of last) if (!now.has(m)) report({ member: m, state: "down", cause: "gone" });
        for (const m of now) if (!last.has(m)) report({ member: m, state: "up", cause: "present" });
        last = now;
      } catch { /* try again at the next poll */ }
      await ctx.sleep(every);
    }
  },
});
