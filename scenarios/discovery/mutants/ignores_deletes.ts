/**
 * Mutant of the reference discoverer: it applies puts but drops every delete
 * event (a service that left, or whose lease ran out, stays in the view).
 */
import type { DiscoverySubject } from "../subject.ts";
import { reference } from "../reference.ts";
import { PrefixView } from "../../../lib/recipes/prefix_view.ts";

const mutant: DiscoverySubject = {
  service: reference.service,
  discoverer(ctx, client, prefix) {
    return {
      async run(onView) {
        const mine = new Map<string, string>();
        const view = new PrefixView(client, prefix, (changes, revision, entries) => {
          if (mine.size === 0) { for (const [k, e] of entries) mine.set(k, e.value); }
          for (const c of changes) if (c.type === "put") mine.set(c.key, c.entry!.value);
          onView(Object.fromEntries(mine), revision);
        });
        await view.run(ctx.signal);
      },
    };
  },
};

export default mutant;
