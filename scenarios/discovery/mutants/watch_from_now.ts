/**
 * Mutant of the reference discoverer, as someone might write one: it reads
 * the prefix, then opens a watch with no start revision, i.e. from "now"
 * (etcd's current revision when the watch is created), instead of from its
 * read's revision + 1. A registration or removal that commits between the
 * read and the watch's creation is never seen, and the view stays wrong
 * until that key changes again. On a lost watch it reads and watches from
 * now again, with the same window. Services are the reference's.
 */
import type { DiscoverySubject } from "../subject.ts";
import { reference } from "../reference.ts";

const mutant: DiscoverySubject = {
  service: reference.service,
  discoverer(ctx, client, prefix) {
    const record = ctx.watchRecorder();
    return {
      async run(onView) {
        while (!ctx.signal.aborted) {
          try {
            const res = await client.getAll().prefix(prefix).exec();
            const view = new Map(res.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
            let revision = Number(res.header.revision);
            onView(Object.fromEntries(view), revision);
            const watcher = await client.watch().prefix(prefix).create(); // the defect: from now
            const log = record.open({ key: prefix, prefix: true, start: 0 });
            await new Promise<void>((resolve) => {
              const done = () => {
                ctx.signal.removeEventListener("abort", done);
                resolve();
              };
              ctx.signal.addEventListener("abort", done, { once: true });
              if (ctx.signal.aborted) done();
              watcher.on("data", (r) => {
                log(r);
                for (const ev of r.events) {
                  const rev = Number(ev.kv.mod_revision);
                  if (rev <= revision) continue;
                  if (ev.type === "Put") view.set(ev.kv.key.toString(), ev.kv.value.toString());
                  else view.delete(ev.kv.key.toString());
                  revision = rev;
                }
                if (r.events.length > 0) onView(Object.fromEntries(view), revision);
              });
              watcher.on("disconnected", done);
              watcher.on("error", done);
            });
            watcher.removeAllListeners();
            watcher.on("error", () => {});
            await watcher.cancel().catch(() => {});
          } catch {
            await ctx.sleep(100);
          }
        }
      },
    };
  },
};

export default mutant;
