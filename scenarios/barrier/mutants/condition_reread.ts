/**
 * Mutant of the reference condition wait: once the condition held, it reads
 * the keys again and reports the revision of that later read as where it
 * proceeded (a stale decision: judged on one read, acted on at another).
 */
import { ok } from "../../../lib/node/context.ts";
import { reference } from "../reference.ts";
import type { BarrierSubjectFactory } from "../subject.ts";

const mutant: BarrierSubjectFactory = (ctx, o) => {
  const base = reference(ctx, o);
  return {
    ...base,
    async waitCondition(required) {
      const r = await base.waitCondition(required);
      if (r.type !== "ok") return r;
      await ctx.sleep(200); // the work between deciding and recording
      const again = await o.client.getAll().prefix(o.keys.conditions).exec();
      return ok(r.value, again.header.revision);
    },
  };
};

export default mutant;
