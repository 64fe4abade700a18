/**
 * Mutant of the reference double barrier: entering does not wait for the
 * others (the wait on the ready key left out), so a participant passes the
 * barrier before everybody arrived.
 */
import { ok } from "../../../lib/node/context.ts";
import { reference } from "../reference.ts";
import type { BarrierSubjectFactory } from "../subject.ts";

const mutant: BarrierSubjectFactory = (ctx, o) => {
  const base = reference(ctx, o);
  return {
    ...base,
    async enter(round) {
      const res = await o.client.get(o.keys.barrier).exec();
      return ok({ round }, res.header.revision);
    },
  };
};

export default mutant;
