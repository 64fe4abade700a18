/** The mutants of this scenario: small defects its checks must catch (`deno task mutants`). */
import type { Mutant } from "../../../lib/scenario/mutant.ts";

/** Each a subject module beside this file with one defect. */
export const MUTANTS: Mutant[] = [
  {
    name: "lock-unfenced-write",
    scenario: "lock",
    module: new URL("./unfenced_write.ts", import.meta.url).href,
    defect: "the counter write drops the fence on the lock key's create revision",
    faults: ["pause-node"],
    seed: 12,
    durationS: 20,
  },
  {
    name: "lock-fence-on-mod-revision",
    scenario: "lock",
    module: new URL("./fence_on_mod_revision.ts", import.meta.url).href,
    defect: "the fence compares the lock key's mod revision instead of its create revision",
    faults: ["pause-node"],
    seed: 12,
    durationS: 20,
    equivalent:
      "the lock key is written once, at its creation, and never modified: its mod revision is its create revision",
  },
  {
    name: "lock-watches-wrong-predecessor",
    scenario: "lock",
    module: new URL("./watches_wrong_predecessor.ts", import.meta.url).href,
    defect:
      "a waiter looks its predecessor up at or below its own create revision and so watches its own key: deadlock after the first grant",
    // No fault: the whole workload is one quiet window, in which the progress check judges it.
    faults: ["none"],
    seed: 1,
    durationS: 15,
  },
];
