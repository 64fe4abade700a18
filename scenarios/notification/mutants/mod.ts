/** The mutants of this scenario: small defects its checks must catch (`deno task mutants`). */
import type { Mutant } from "../../../lib/scenario/mutant.ts";

/** Each a subject module beside this file with one defect. */
export const MUTANTS: Mutant[] = [
  {
    name: "notification-early-return",
    scenario: "notification",
    module: new URL("./early_return.ts", import.meta.url).href,
    defect:
      "the watcher returns on the first state it sees, without re-checking that the job is done",
    seed: 4,
    durationS: 15,
  },
  {
    name: "notification-watch-from-now",
    scenario: "notification",
    module: new URL("./watch_from_now.ts", import.meta.url).href,
    defect: "the watcher watches from now and never reads the key first or again",
    seed: 4,
    durationS: 15,
  },
  {
    name: "notification-header-revision",
    scenario: "notification",
    module: new URL("./header_revision.ts", import.meta.url).href,
    defect:
      "the watcher reports a state it read at the read's header revision, not the key's mod revision",
    seed: 4,
    durationS: 15,
  },
];
