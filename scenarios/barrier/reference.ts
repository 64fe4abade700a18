import { fail, ok } from "../../lib/node/context.ts";
import { waitCondition } from "./condition_wait.ts";
import type { ViewEntry } from "../../lib/recipes/prefix_view.ts";
import { BarrierStoppedError, DoubleBarrier } from "./double_barrier_recipe.ts";
import type { Session } from "../../lib/recipes/session.ts";
import type { BarrierSubjectFactory } from "./subject.ts";

/**
 * The correct barriers: the condition is judged on every revision etcd went
 * through (read, then watch from the next revision), missing keys count as
 * not holding; the double barrier uses a ready key, so nobody can miss the
 * moment the round filled.
 */
export const reference: BarrierSubjectFactory = (ctx, o) => {
  const barrier = new DoubleBarrier(o.client, o.keys.barrier, o.participants);
  const waitMs = ctx.ttl * 1000;
  let session: Session | undefined;
  const stopped = (e: unknown) => ctx.signal.aborted || e instanceof BarrierStoppedError;
  return {
    async waitCondition(required) {
      const holds = (keys: ReadonlyMap<string, ViewEntry>) =>
        Object.entries(required).every(([k, v]) => keys.get(k)?.value === v);
      const w = await waitCondition(
        o.client,
        o.keys.conditions,
        holds,
        ctx.signal,
        ctx.watchRecorder(),
      );
      const value = { start: w.start, gaps: w.gaps };
      return w.revision === undefined ? fail("stopped", value) : ok(value, w.revision);
    },
    async enter(round) {
      try {
        const pass = await barrier.enter(
          round,
          ctx.node,
          `${ctx.node}#${ctx.incarnation}`,
          async (stale) => {
            session = await o.session(stale);
            ctx.report({ lease: session.id });
            return session;
          },
          ctx.signal,
          waitMs,
        );
        return ok({ round, readyRevision: pass.readyRevision }, pass.revision);
      } catch (e) {
        if (stopped(e)) return fail("stopped", { round });
        throw e;
      }
    },
    async leave(round) {
      try {
        const pass = await barrier.leave(round, ctx.node, ctx.signal, waitMs);
        return ok({ round }, pass.revision);
      } catch (e) {
        if (stopped(e)) return fail("stopped", { round });
        throw e;
      }
    },
    lease: () => session?.id,
  };
};
