import type { Campaign, ElectionObserver } from "etcd3";
import { fail, ok } from "../../lib/node/context.ts";
import { atomic } from "../../lib/recipes/atomic.ts";
import type { ElectionSubjectFactory } from "./subject.ts";

/**
 * The etcd3 npm library's own `client.election()`: `campaign()` until it
 * emits `elected`, leader-only work while it has not emitted `error` (the
 * library's contract: "will not lose its leadership unless resign() is
 * called, or error is emitted"), writes unfenced (it offers no guard for
 * other keys), `resign()` revokes its lease, `observe()` follows the leader.
 */
export const etcd3Election: ElectionSubjectFactory = (ctx, o) => {
  const c = o.client;
  // The library puts its keys at `<namespace>election/<name>/<lease id>`.
  const name = o.prefix.slice(ctx.prefix.length).replace(/^election\//, "").replace(/\/$/, "");
  const election = c.namespace(ctx.prefix).election(name, ctx.ttl);
  let campaign: Campaign | undefined;
  let lease: string | undefined;
  let errored: unknown;
  return {
    async campaign() {
      const mine = election.campaign(o.identity);
      campaign = mine;
      errored = undefined;
      mine.on("error", (e) => errored = e);
      const elected = mine.wait();
      elected.catch(() => {}); // observed below; never an unhandled rejection
      const key = await mine.getCampaignKey();
      lease = key.slice(o.prefix.length);
      ctx.report({ lease });
      const stopped = new Promise<"stopped">((resolve) => {
        if (ctx.signal.aborted) return resolve("stopped");
        ctx.signal.addEventListener("abort", () => resolve("stopped"), { once: true });
      });
      if (await Promise.race([elected, stopped]) === "stopped") {
        await mine.resign().catch(() => {});
        return fail("stopped");
      }
      // Instrumentation, not part of the recipe: where the library says we lead, our key's create revision.
      const own = await c.get(key).exec();
      const kv = own.kvs[0];
      return ok(
        { identity: o.identity, token: kv ? Number(kv.create_revision) : null },
        own.header.revision,
      );
    },
    write(ops, look) {
      if (errored !== undefined) {
        // The library told us we lost: a careful user stops working (nothing written).
        return atomic(c, look).then((r) => ({ ...r, succeeded: false }));
      }
      return atomic(c, ...ops, look);
    },
    async resign() {
      const mine = campaign;
      campaign = undefined;
      if (!mine) return fail("not campaigning");
      await mine.resign();
      return ok({ identity: o.identity });
    },
    async observe(seen, signal) {
      while (!signal.aborted) {
        let observer: ElectionObserver | undefined;
        try {
          observer = await election.observe();
          seen(leaderOf(observer.leader()));
          const failed = new Promise<void>((resolve) => observer!.once("error", () => resolve()));
          observer.on("change", (leader) => seen(leaderOf(leader)));
          await Promise.race([
            failed,
            new Promise<void>((resolve) =>
              signal.addEventListener("abort", () => resolve(), { once: true })
            ),
          ]);
        } catch {
          // observe() failed: try again shortly
        } finally {
          await observer?.cancel().catch(() => {});
        }
        if (!signal.aborted) await ctx.sleep(200);
      }
    },
    lease: () => lease,
  };
};

const leaderOf = (identity: string | undefined) => identity ? { identity } : null;
