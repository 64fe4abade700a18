import type { PlannedFault, UnfitFault } from "../faults/schedule.ts";
import type { NamedResult, Validity } from "../checks/checker.ts";
import type { FaultCost } from "./cost/fault_cost.ts";

/** What results.json holds: one run's verdict and how it came about (read by the report). */
export interface RunResult {
  version: 1;
  scenario: string;
  subject: string;
  cluster: { kind: string; members: number };
  seed: number;
  ttl: number;
  durationMs: number;
  faults: string[];
  plan: PlannedFault[];
  /** Planned faults that found nothing to hit. */
  skippedFaults: number[];
  /** Named faults the duration had no room for, each with a duration that would fit it. */
  unplannedFaults?: UnfitFault[];
  valid: Validity;
  checks: NamedResult[];
  stats: { operations: number; ok: number; fail: number; info: number; events: number };
  /** What each fault window cost, and the run outside them (lib/cost/fault_cost.ts). */
  faultCost?: FaultCost;
  dir: string;
  startedAt: string;
  elapsedMs: number;
}
