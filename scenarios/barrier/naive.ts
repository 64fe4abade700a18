import type { Etcd3 } from "etcd3";
import { fail, ok } from "../../lib/node/context.ts";
import { roundName } from "./double_barrier_recipe.ts";
import type { Session } from "../../lib/recipes/session.ts";
import type { BarrierSubjectFactory } from "./subject.ts";

/**
 * The classic write-up's barrier: watch the prefix and, on every watch
 * response, read the keys again and decide on that read, taken after the
 * event (a state that lasted one revision is gone by then); the condition is
 * checked by position (`kvs[0]`, `kvs[1]`, ...), as if every key existed.
 * The double barrier is the same idea: count the keys after each event.
 */
export const naive: BarrierSubjectFactory = (ctx, o) => {
  const c = o.client;
  let session: Session | undefined;
  return {
    async waitCondition(required) {
      const names = Object.keys(required).sort();
      const start = Number((await c.get(o.keys.conditions).exec()).header.revision);
      const decided = await onEveryEvent(c, o.keys.conditions, ctx.signal, async () => {
        // The keys in key order, compared by position: a missing key shifts the rest or throws.
        const res = await c.getAll().prefix(o.keys.conditions).sort("Key", "Ascend").exec();
        const all = names.every((name, i) => res.kvs[i].value.toString() === required[name]);
        return all ? Number(res.header.revision) : undefined;
      });
      return decided === undefined ? fail("stopped", { start }) : ok({ start }, decided);
    },
    async enter(round) {
      const r = `${o.keys.barrier}${roundName(round)}/w/`;
      session = await o.session(session?.lost ? session : undefined);
      ctx.report({ lease: session.id });
      const lease = session.id;
      const decided = await onEveryEvent(
        c,
        r,
        ctx.signal,
        async () => {
          const res = await c.getAll().prefix(r).exec();
          return res.kvs.length === o.participants ? Number(res.header.revision) : undefined;
        },
        () => c.put(`${r}${ctx.node}`).value(`${ctx.node}#${ctx.incarnation}`).lease(lease).exec(),
      );
      return decided === undefined ? fail("stopped", { round }) : ok({ round }, decided);
    },
    async leave(round) {
      const r = `${o.keys.barrier}${roundName(round)}/w/`;
      const decided = await onEveryEvent(
        c,
        r,
        ctx.signal,
        async () => {
          const res = await c.getAll().prefix(r).exec();
          return res.kvs.length === 0 ? Number(res.header.revision) : undefined;
        },
        () => c.delete().key(`${r}${ctx.node}`).exec(),
      );
      return decided === undefined ? fail("stopped", { round }) : ok({ round }, decided);
    },
    lease: () => session?.id,
  };
};

/**
 * Watches `prefix` from now, runs `first` once the watch is in place, then
 * calls `decide` after every watch response until it returns a revision.
 * Undefined when the signal aborts; a watch that ends throws.
 */
async function onEveryEvent(
  c: Etcd3,
  prefix: string,
  signal: AbortSignal,
  decide: () => Promise<number | undefined>,
  first?: () => Promise<unknown>,
): Promise<number | undefined> {
  const watcher = await c.watch().prefix(prefix).create();
  let pending = 0;
  let ended: unknown;
  let wake = () => {};
  watcher.on("data", () => {
    pending++;
    wake();
  });
  watcher.on("error", (e) => {
    ended = e;
    wake();
  });
  try {
    await first?.();
    while (!signal.aborted) {
      if (pending === 0 && ended === undefined) {
        await new Promise<void>((resolve) => {
          const done = () => {
            signal.removeEventListener("abort", done);
            resolve();
          };
          wake = done;
          signal.addEventListener("abort", done, { once: true });
        });
      }
      if (ended !== undefined) throw ended;
      if (pending === 0) continue;
      pending--;
      const decided = await decide();
      if (decided !== undefined) return decided;
    }
    return undefined;
  } finally {
    watcher.cancel().catch(() => {});
  }
}
