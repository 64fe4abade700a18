/** The mutants of this scenario: small defects its checks must catch (`deno task mutants`). */
import type { Mutant } from "../../../lib/scenario/mutant.ts";

/** Each a subject module beside this file with one defect. */
export const MUTANTS: Mutant[] = [
  {
    name: "barrier-condition-reread",
    scenario: "barrier",
    module: new URL("./condition_reread.ts", import.meta.url).href,
    defect: "the condition wait reports the revision of a later read, not the one it decided on",
    seed: 10,
    durationS: 20,
  },
  {
    name: "barrier-enter-no-wait",
    scenario: "barrier",
    module: new URL("./enter_no_wait.ts", import.meta.url).href,
    defect: "entering the double barrier does not wait for the others",
    seed: 10,
    durationS: 20,
  },
];
