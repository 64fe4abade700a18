/** The mutants of this scenario: small defects its checks must catch (`deno task mutants`). */
import type { Mutant } from "../../../lib/scenario/mutant.ts";

/** Each a subject module beside this file with one defect. */
export const MUTANTS: Mutant[] = [
  {
    name: "lb-resolver-frozen",
    scenario: "load-balancing",
    module: new URL("./resolver_frozen.ts", import.meta.url).href,
    defect: "the resolver reads the registry until it finds a server, then never applies the watch",
    seed: 5,
    durationS: 20,
  },
  {
    name: "lb-resolver-drops-deletes",
    scenario: "load-balancing",
    module: new URL("./resolver_drops_deletes.ts", import.meta.url).href,
    defect: "the resolver applies puts but drops delete events",
    seed: 5,
    durationS: 20,
  },
];
