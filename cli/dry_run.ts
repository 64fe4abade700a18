/** `--dry-run`: what a run would do, checked and printed, with nothing started. */
import { describePlan, drawPlan, resolveRunFaults } from "../lib/runner/fault_plan.ts";
import { choiceName } from "../lib/faults/schedule.ts";
import type { RunOptions } from "../lib/runner/options.ts";

/** Prints the run's scenario, subject, seed, duration and fault plan; throws what the run would refuse. */
export async function dryRun(o: RunOptions): Promise<void> {
  const named = await resolveRunFaults(o);
  const { plan, unfit } = drawPlan(o, named);
  const faults = named.promised.length > 0
    ? named.promised.map(choiceName).join(", ")
    : named.choices.length > 0
    ? "all (a draw)"
    : "none";
  console.log(
    `${o.scenario.name} / ${o.subject}, seed ${o.seed}, ${
      o.durationMs / 1000
    } s, faults: ${faults}`,
  );
  console.log(plan.length > 0 ? describePlan(plan).join("\n") : "  no fault planned");
  for (const u of unfit) {
    console.log(`  no room for ${u.name}: it needs --duration ${u.needsMs / 1000}s`);
  }
}
