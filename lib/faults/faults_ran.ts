/**
 * Check `faults-ran`: every fault the run named (each `--faults` entry, with its role, or each
 * entry of a plan file) started at least once. A named fault that never ran, whether the duration
 * had no room for it or every time it came it found nothing to hit, leaves the run's verdict
 * `unknown`: a user who names a fault and reads "valid" believes the code survived it.
 */
import { named } from "../checks/checker.ts";
import type { NamedResult } from "../checks/checker.ts";
import { choiceName } from "./schedule.ts";
import type { FaultChoice, PlannedFault, UnfitFault } from "./schedule.ts";

/** What the check looks at. */
export interface FaultsRanInput {
  choices: readonly FaultChoice[];
  plan: readonly PlannedFault[];
  /** Ids of the plan's faults that started (the others found nothing to hit). */
  started: ReadonlySet<number>;
  unfit: readonly UnfitFault[];
}

/** The check's result. */
export function faultsRanCheck(i: FaultsRanInput): NamedResult {
  if (i.choices.length === 0) {
    return named("faults-ran", true, {
      valid: "unknown",
      applies: false,
      judged: 0,
      summary: "does not apply: no fault named (--faults all is a draw, not a promise)",
    });
  }
  const missing: string[] = [];
  const evidence: unknown[] = [];
  for (const c of i.choices) {
    const name = choiceName(c);
    const planned = i.plan.filter((p) =>
      p.fault === c.fault.name && (c.role === undefined || p.role === c.role)
    );
    if (planned.some((p) => i.started.has(p.id))) continue;
    const unfit = i.unfit.find((u) => u.name === name);
    const why = unfit
      ? `no room before the end (needs --duration ${Math.ceil(unfit.needsMs / 1000)}s)`
      : planned.length === 0
      ? "never planned"
      : `planned ${planned.length}×, found nothing to hit each time`;
    missing.push(`${name} (${why})`);
    evidence.push({ fault: name, planned: planned.map((p) => p.id), why });
  }
  return named("faults-ran", true, {
    valid: missing.length === 0 ? true : "unknown",
    judged: i.choices.length,
    summary: missing.length === 0
      ? `every named fault ran: ${i.choices.map(choiceName).join(", ")}`
      : `named faults that never ran: ${missing.join("; ")}`,
    ...(evidence.length ? { evidence } : {}),
    figures: { named: i.choices.length, neverRan: missing.length },
  });
}
