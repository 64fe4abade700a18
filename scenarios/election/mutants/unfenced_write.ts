/**
 * Mutant of the reference election: the leader-only write guards on the
 * wrong key (one nobody writes, "not created yet", which always holds)
 * instead of the leader key's create revision: an unguarded transaction, so
 * a deposed leader back from a pause still writes.
 */
import { reference } from "../reference.ts";
import type { ElectionSubjectFactory } from "../subject.ts";

const mutant: ElectionSubjectFactory = (ctx, o) => {
  const base = reference(ctx, o);
  return {
    ...base,
    write(ops, look) {
      const key = `${o.prefix}unfenced-guard`;
      return o.client.if(key, "Create", "==", 0).then(...ops, look).else(look).commit();
    },
  };
};

export default mutant;
