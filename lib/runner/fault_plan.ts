/**
 * A run's faults before anything starts: the names resolved for the cluster kind (refused with one
 * line when it cannot do them, or when a role is not the scenario's), then the plan drawn from the
 * seed. Used by the run itself and by `--dry-run`, which shows the plan and starts nothing.
 */
import { kindCapabilities } from "../cluster/create.ts";
import { resolveChoices } from "../faults/choices.ts";
import type { ResolvedFaults } from "../faults/choices.ts";
import type { Fault } from "../faults/fault.ts";
import { planRun } from "../faults/schedule.ts";
import type { FaultChoice, PlannedFault, UnfitFault } from "../faults/schedule.ts";
import { UsageError } from "../proc/errors.ts";
import type { RunOptions } from "./options.ts";

/** The run's faults, resolved for its cluster kind and its scenario's roles. */
export async function resolveRunFaults(o: RunOptions): Promise<ResolvedFaults> {
  const caps = {
    ...(o.sharedCluster
      ? { kind: "shared", canControlMembers: false }
      : await kindCapabilities(o.cluster?.kind ?? "process")),
    allowDisruptive: o.cluster?.allowDisruptive,
  };
  const roles = [...new Set(o.scenario.layout(o.nodes))];
  return o.faultPlan
    ? planChoices(o.faultPlan, roles, (names) => o.catalogue.resolve(names, caps))
    : resolveChoices(o.faults, { catalogue: o.catalogue, capabilities: caps, roles });
}

/**
 * The fault plan of a run: the exact schedule it was given, else one drawn
 * from its seed, with a solo window for the faults of each deciding
 * liveness check, and every named fault placed at least once; `unfit` names
 * those the duration has no room for.
 */
export function drawPlan(
  o: RunOptions,
  named: ResolvedFaults,
): { plan: PlannedFault[]; unfit: UnfitFault[] } {
  if (o.faultPlan) return { plan: o.faultPlan, unfit: [] };
  return planRun({
    faults: named.faults,
    choices: named.choices,
    mustRun: named.promised,
    durationMs: o.durationMs,
    intervalMs: o.faultIntervalMs,
    seed: o.seed,
    ttlMs: o.ttl * 1000,
    solo: o.scenario.checkers.flatMap((c) => c.decides !== false && c.exercise ? [c.exercise] : []),
  });
}

/** The faults and choices of an exact plan (a --faults-file): each entry's fault, aimed as written. */
function planChoices(
  plan: readonly PlannedFault[],
  roles: readonly string[],
  resolve: (names: string[]) => Fault[],
): ResolvedFaults {
  const faults = resolve([...new Set(plan.map((p) => p.fault))]);
  const byName = new Map(faults.map((f) => [f.name, f]));
  const choices = new Map<string, FaultChoice>();
  for (const p of plan) {
    if (p.role !== undefined && !roles.includes(p.role)) {
      throw new UsageError(
        `--faults-file entry ${p.id}: this scenario has no role "${p.role}": aim at ${
          roles.join(", ")
        }`,
      );
    }
    const key = `${p.fault}@${p.role ?? ""}`;
    if (!choices.has(key)) choices.set(key, { fault: byName.get(p.fault)!, role: p.role });
  }
  const all = [...choices.values()];
  return { faults, choices: all, promised: all };
}

/** One line per planned fault, for `--dry-run`: when, what, how long, aimed where. */
export function describePlan(plan: readonly PlannedFault[]): string[] {
  return plan.map((p) =>
    `  ${String(p.id).padStart(3)}  at ${(p.at / 1000).toFixed(1).padStart(6)} s  ${
      p.fault.padEnd(16)
    } hold ${(p.holdMs / 1000).toFixed(1)} s${p.role ? `  @${p.role}` : ""}${
      p.solo ? "  (solo)" : ""
    }${p.targets ? `  on ${p.targets.join(",")}` : ""}`
  );
}
