/** The mutants of this scenario: small defects its checks must catch (`deno task mutants`). */
import type { Mutant } from "../../../lib/scenario/mutant.ts";

/** Each a subject module beside this file with one defect. */
export const MUTANTS: Mutant[] = [
  {
    name: "discovery-drop-event",
    scenario: "discovery",
    module: new URL("./drop_event.ts", import.meta.url).href,
    defect: "the discoverer silently drops one watch event in four",
    seed: 12,
    durationS: 20,
  },
  {
    name: "discovery-ignores-deletes",
    scenario: "discovery",
    module: new URL("./ignores_deletes.ts", import.meta.url).href,
    defect: "the discoverer applies puts but drops every delete",
    seed: 12,
    durationS: 20,
  },
  {
    name: "discovery-watch-from-now",
    scenario: "discovery",
    module: new URL("./watch_from_now.ts", import.meta.url).href,
    defect:
      "the discoverer reads, then watches from now instead of from its read's revision + 1: a change in between is never seen",
    seed: 1,
    durationS: 20,
  },
  {
    name: "discovery-ignores-updates",
    scenario: "discovery",
    module: new URL("./ignores_updates.ts", import.meta.url).href,
    defect: "the discoverer ignores a put on a key it already holds (no re-check of the value)",
    seed: 12,
    durationS: 20,
    equivalent:
      "a service's value never changes under its key (one host:port per incarnation), so a dropped update re-puts the value the view already holds",
  },
];
