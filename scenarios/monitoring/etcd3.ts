import type { IKeyValue, Watcher } from "etcd3";
import type { MonitorFactory } from "./subject.ts";

/**
 * A monitor as etcd3's README teaches it: `getAll().prefix(p)` for the
 * members up now, then `client.watch().prefix(p).startRevision(read + 1)
 * .create()` and its `put` and `delete` events, relying on the watcher's
 * automatic reconnect and resume. A delete is a member down; a put of a key
 * not up, or under another lease than before, is a member (back) up (a new
 * lease means its old session ended: down, then up). The client keeps etcd3's
 * default fault handling (its retries and circuit breaker), as users ship it.
 */
export const etcd3Monitor: MonitorFactory = (ctx, _harnessClient, prefix) => ({
  async run(report) {
    const client = ctx.client({ faultHandling: {} });
    const leases = new Map<string, string>(); // member → lease of its heartbeat key
    const member = (key: string) => key.slice(prefix.length);
    let watcher: Watcher | undefined;
    while (!ctx.signal.aborted && !watcher) {
      try {
        const res = await client.getAll().prefix(prefix).exec();
        const revision = Number(res.header.revision);
        for (const kv of res.kvs) {
          const m = member(kv.key.toString());
          if (!leases.has(m)) report({ member: m, state: "up", revision, cause: "heartbeat read" });
          leases.set(m, String(kv.lease));
        }
        watcher = await client.watch().prefix(prefix).startRevision(String(revision + 1)).create();
        // Instrumentation, not part of the recipe: what the watch delivers, for watch-guarantees.
        watcher.on(
          "data",
          ctx.watchRecorder().open({ key: prefix, prefix: true, start: revision + 1 }),
        );
      } catch {
        await ctx.sleep(100); // etcd unreachable at start: try again
      }
    }
    if (!watcher) return;
    watcher.on("put", (kv: IKeyValue) => {
      const m = member(kv.key.toString());
      const revision = Number(kv.mod_revision);
      const before = leases.get(m);
      leases.set(m, String(kv.lease));
      if (before === String(kv.lease)) return;
      if (before !== undefined) {
        report({ member: m, state: "down", revision, cause: "heartbeat session replaced" });
      }
      report({ member: m, state: "up", revision, cause: "heartbeat key put" });
    });
    watcher.on("delete", (kv: IKeyValue) => {
      const m = member(kv.key.toString());
      leases.delete(m);
      report({
        member: m,
        state: "down",
        revision: Number(kv.mod_revision),
        cause: "heartbeat key deleted",
      });
    });
    // The README handles no errors; without a listener an "error" would crash the node.
    watcher.on("error", (e: Error) => console.error(`watcher error: ${e.message}`));
    await new Promise((r) => ctx.signal.addEventListener("abort", r, { once: true }));
    await watcher.cancel().catch(() => {});
    client.close();
  },
});
