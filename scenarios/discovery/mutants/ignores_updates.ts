/**
 * Mutant of the reference discoverer: it applies creates and deletes but
 * ignores a put on a key it already holds (a missing re-check of the value),
 * so a service that registers again under a new lease with a changed value
 * stays stale in the view. With this workload a service's value never
 * changes (the same host:port under the same key), so every update it drops
 * re-puts the value it already holds. Equivalent for this workload.
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
        let first = true;
        const view = new PrefixView(client, prefix, (changes, revision, entries) => {
          if (first) {
            for (const [k, e] of entries) mine.set(k, e.value);
            first = false;
          } else {
            for (const c of changes) {
              if (c.type === "delete") mine.delete(c.key);
              else if (!mine.has(c.key)) mine.set(c.key, c.entry!.value);
            }
          }
          onView(Object.fromEntries(mine), revision);
        });
        await view.run(ctx.signal);
      },
    };
  },
};

export default mutant;
