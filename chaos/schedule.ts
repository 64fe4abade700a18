import { mulberry32 } from "../lib/random.ts";
import type { Fault } from "./fault.ts";

/** One fault of a plan: when it starts, what it is, how long it holds, and its own seed for targets. */
export interface PlannedFault {
  id: number;
  /** ms after the workload starts. */
  at: number;
  fault: string;
  holdMs: number;
  seed: number;
}

/** Options of {@link planFaults}. */
export interface PlanOptions {
  faults: readonly Fault[];
  /** Length of the workload, ms; every fault heals before it ends. */
  durationMs: number;
  /** Mean gap between fault starts, ms. */
  intervalMs: number;
  seed: number;
  ttlMs: number;
}

/** Most fault starts one plan draws: the loop is bounded whatever the options. */
export const MAX_PLANNED = 10_000;

/**
 * Draws a fault schedule from the seed: the same seed and options give the
 * same plan. Faults of one kind never overlap, and all heal before the end.
 * The drawing loop takes at most {@link MAX_PLANNED} steps; an interval that
 * is not a positive number of ms is refused (it would never advance).
 */
export function planFaults(o: PlanOptions): PlannedFault[] {
  if (!(o.intervalMs > 0) || !Number.isFinite(o.intervalMs)) {
    throw new RangeError(`fault interval ${o.intervalMs} ms: give a positive number of ms`);
  }
  const random = mulberry32(o.seed);
  const plan: PlannedFault[] = [];
  const busyUntil = new Map<string, number>();
  if (o.faults.length === 0) return plan;
  let at = Math.min(o.intervalMs * 0.5, 1000) + random() * o.intervalMs * 0.5;
  for (let step = 0; at < o.durationMs && step < MAX_PLANNED; step++) {
    const free = o.faults.filter((f) => (busyUntil.get(f.name) ?? 0) <= at);
    const seed = Math.floor(random() * 2 ** 31);
    if (free.length > 0) {
      const fault = free[Math.floor(random() * free.length)];
      const [lo, hi] = fault.holdMs(o.ttlMs);
      const holdMs = Math.round(Math.min(lo + random() * (hi - lo), o.durationMs - at));
      if (holdMs >= lo || lo === hi) {
        plan.push({ id: plan.length + 1, at: Math.round(at), fault: fault.name, holdMs, seed });
        busyUntil.set(fault.name, at + holdMs);
      }
    }
    at += o.intervalMs * (0.5 + random());
  }
  return plan;
}
