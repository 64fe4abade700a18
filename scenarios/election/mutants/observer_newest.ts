/**
 * Mutant of the reference observer: it takes the newest candidate key (the
 * highest create revision) for the leader instead of the oldest, a wrong
 * sort order in the decision.
 */
import { reference } from "../reference.ts";
import type { ElectionSubjectFactory } from "../subject.ts";
import { PrefixView } from "../../../lib/recipes/prefix_view.ts";

const mutant: ElectionSubjectFactory = (ctx, o) => ({
  ...reference(ctx, o),
  async observe(seen, signal) {
    let last: string | undefined;
    const view = new PrefixView(o.client, o.prefix, (_changes, revision, entries) => {
      let newest: { value: string; createRevision: number } | undefined;
      for (const e of entries.values()) {
        if (!newest || e.createRevision > newest.createRevision) newest = e;
      }
      const id = newest ? `${newest.value}@${newest.createRevision}` : "";
      if (id === last) return;
      last = id;
      seen(newest ? { identity: newest.value, token: newest.createRevision } : null, revision);
    });
    await view.run(signal);
  },
});

export default mutant;
