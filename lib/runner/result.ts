import type { PlannedFault } from "../../chaos/schedule.ts";
import type { NamedResult, Validity } from "../checkers/checker.ts";
import type { ErrorCount } from "../report/error_summary.ts";

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
  valid: Validity;
  checks: NamedResult[];
  stats: { operations: number; ok: number; fail: number; info: number; events: number };
  /** The commonest errors of operations that ended unknown or failed, per call (absent: none). */
  errors?: ErrorCount[];
  /** Operations that ended unknown because a program's answer or event misfit docs/exec-protocol.schema.json. */
  misfits?: number;
  dir: string;
  startedAt: string;
  elapsedMs: number;
}
