/** The mutants of this scenario: small defects its checks must catch (`deno task mutants`). */
import type { Mutant } from "../../../lib/scenario/mutant.ts";

/** Each a subject module beside this file with one defect. */
export const MUTANTS: Mutant[] = [
  {
    name: "queue-unguarded-claim",
    scenario: "queue",
    module: new URL("./unguarded_claim.ts", import.meta.url).href,
    defect: "the claim deletes the item without the guard on its mod revision",
    seed: 3,
    durationS: 15,
    fast: true,
  },
  {
    name: "queue-newest-first",
    scenario: "queue",
    module: new URL("./newest_first.ts", import.meta.url).href,
    defect: "the head is read newest first (sort order flipped)",
    seed: 3,
    durationS: 15,
  },
];
