/** The mutants of this scenario: small defects its checks must catch (`deno task mutants`). */
import type { Mutant } from "../../../lib/scenario/mutant.ts";

/** Each a subject module beside this file with one defect. */
export const MUTANTS: Mutant[] = [
  {
    name: "monitoring-ignores-deletes",
    scenario: "monitoring",
    module: new URL("./ignores_deletes.ts", import.meta.url).href,
    defect: "the monitor drops the delete events of heartbeat keys",
    faults: ["kill-node"],
    seed: 6,
    durationS: 20,
  },
  {
    name: "monitoring-double-grace",
    scenario: "monitoring",
    module: new URL("./double_grace.ts", import.meta.url).href,
    defect: "the monitor waits one more TTL before reporting a vanished heartbeat down",
    faults: ["kill-node"],
    seed: 6,
    durationS: 20,
  },
];
