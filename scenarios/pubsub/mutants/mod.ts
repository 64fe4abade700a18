/** The mutants of this scenario: small defects its checks must catch (`deno task mutants`). */
import type { Mutant } from "../../../lib/scenario/mutant.ts";

/** Each a subject module beside this file with one defect. */
export const MUTANTS: Mutant[] = [
  {
    name: "pubsub-drops-watch-event",
    scenario: "pubsub",
    module: new URL("./drops_watch_event.ts", import.meta.url).href,
    defect: "the subscriber's watch loses one event in ten (a dropped event)",
    seed: 8,
    durationS: 15,
  },
  {
    name: "pubsub-stale-revision",
    scenario: "pubsub",
    module: new URL("./stale_revision.ts", import.meta.url).href,
    defect: "the publisher acknowledges with the revision of a read taken before its put",
    seed: 8,
    durationS: 15,
  },
];
