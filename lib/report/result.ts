import type { PlannedFault, UnfitFault } from "../faults/schedule.ts";
import type { NamedResult, Validity } from "../checks/checker.ts";
import type { ErrorCount } from "./error_summary.ts";
import type { FaultCost } from "./cost/fault_cost.ts";

/** What results.json holds: one run's verdict and how it came about (read by the report). */
export interface RunResult {
  /** The results.json format's version. */
  version: 1;
  /** The scenario's name. */
  scenario: string;
  /** The subject drilled, as --subject gave it. */
  subject: string;
  /** The cluster's kind and member count. */
  cluster: { kind: string; members: number };
  /** The run's seed (fault plan, targets, node generators). */
  seed: number;
  /** Lease TTL, seconds. */
  ttl: number;
  /** The workload's length, ms. */
  durationMs: number;
  /** The faults the run resolved from --faults (or its plan file), by name. */
  faults: string[];
  /** The fault plan the run followed. */
  plan: PlannedFault[];
  /** Planned faults that found nothing to hit. */
  skippedFaults: number[];
  /** Named faults the duration had no room for, each with a duration that would fit it. */
  unplannedFaults?: UnfitFault[];
  /** The run's verdict, from the deciding checks. */
  valid: Validity;
  /** Each check's result. */
  checks: NamedResult[];
  /** Operation counts by outcome, and the history's event count. */
  stats: { operations: number; ok: number; fail: number; info: number; events: number };
  /** The commonest errors of operations that ended unknown or failed, per call (absent: none). */
  errors?: ErrorCount[];
  /** Operations that ended unknown because a program's answer or event misfit docs/exec-protocol.schema.json. */
  misfits?: number;
  /** What each fault window cost, and the run outside them (lib/report/cost/fault_cost.ts). */
  faultCost?: FaultCost;
  /** The run directory (history, logs, results.json, report.html). */
  dir: string;
  /** When the run started (ISO 8601). */
  startedAt: string;
  /** How long the run took from start to report, ms. */
  elapsedMs: number;
}
