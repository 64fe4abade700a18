/** The mutants of this scenario: small defects its checks must catch (`deno task mutants`). */
import type { Mutant } from "../../../lib/scenario/mutant.ts";

/** Each a subject module beside this file with one defect. */
export const MUTANTS: Mutant[] = [
  {
    name: "election-unfenced-write",
    scenario: "election",
    module: new URL("./unfenced_write.ts", import.meta.url).href,
    defect: "the leader-only write guards on the wrong key, a check that always holds (unguarded)",
    seed: 9,
    durationS: 20,
  },
  {
    name: "election-observer-newest",
    scenario: "election",
    module: new URL("./observer_newest.ts", import.meta.url).href,
    defect: "the observer takes the newest candidate for the leader (sort order flipped)",
    seed: 9,
    durationS: 20,
  },
];
