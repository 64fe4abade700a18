import { mulberry32 } from "../proc/random.ts";
import type { Fault } from "./fault.ts";

/** One fault of a plan: when it starts, what it is, how long it holds, and its own seed for targets. */
export interface PlannedFault {
  /** Its index in the plan; the history's start and stop events carry it as `id`. */
  id: number;
  /** ms after the workload starts. */
  at: number;
  /** The fault's name (or a plugin's spec). */
  fault: string;
  /** How long it holds before it is healed, ms. */
  holdMs: number;
  /** Seeds the fault's own choice of targets, so a plan replays. */
  seed: number;
  /**
   * A solo window (see {@link PlanOptions.solo}): it holds alone, and a
   * fault that picks a node aims at a primary (of `role`, when given).
   */
  solo?: true;
  /** The role a solo window aims at; absent: any. */
  role?: string;
}

/** Faults of which one must hold alone once, on a node of `role` (any when absent). */
export interface SoloGroup {
  faults: readonly string[];
  role?: string;
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
  /**
   * Groups of faults of which one must, once, hold alone: what can exercise
   * each liveness check of the scenario (`Checker.exercise`). Liveness checks
   * skip waits that another fault overlaps (the delay could be that fault's),
   * and a fault drawn at random may miss the node that matters, so a plan
   * opens with solo windows, as few as cover every group, then mixes as
   * usual. (Plans mixing member and node faults had them first; one-sided
   * plans left a check's verdict to the draw: under pause-node alone, 1 seed
   * in 20 sent every long pause to a node that held nothing.)
   */
  solo?: readonly SoloGroup[];
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
  for (const { fault, role } of soloFaults(o.faults, o.solo ?? [], random)) {
    const holdMs = soloHold(fault, o.ttlMs, random);
    const end = soloEnd(at, holdMs, o.ttlMs);
    if (end > o.durationMs) break;
    const seed = Math.floor(random() * 2 ** 31);
    plan.push({
      id: plan.length + 1,
      at: Math.round(at),
      fault: fault.name,
      holdMs,
      seed,
      solo: true,
      ...(role ? { role } : {}),
    });
    at = end;
  }
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

/** A solo window's fault and the role it aims at. */
interface SoloPick {
  fault: Fault;
  role?: string;
}

/**
 * As few windows as cover every group (greedy: the fault and role in most
 * uncovered groups first; among those the fault the groups list earliest, as
 * checks list first what exercises them best, e.g. a kill before a lease
 * revocation that the node repairs at once; remaining ties drawn from the
 * seed), only faults of the plan. A window on a role covers the groups of
 * that role and those of any role.
 */
function soloFaults(
  faults: readonly Fault[],
  groups: readonly SoloGroup[],
  random: () => number,
): SoloPick[] {
  const covers = (p: SoloPick, g: SoloGroup) =>
    g.faults.includes(p.fault.name) && (g.role === undefined || g.role === p.role);
  let open = groups.filter((g) => faults.some((f) => g.faults.includes(f.name)));
  const chosen: SoloPick[] = [];
  while (open.length > 0) {
    const roles = [undefined, ...new Set(open.flatMap((g) => g.role ? [g.role] : []))];
    const candidates = faults.flatMap((fault) => roles.map((role) => ({ fault, role })));
    const score = (p: SoloPick) => open.filter((g) => covers(p, g)).length;
    const rank = (p: SoloPick) =>
      open.filter((g) => covers(p, g)).reduce((sum, g) => sum + g.faults.indexOf(p.fault.name), 0);
    const best = Math.max(...candidates.map(score));
    const top = candidates.filter((p) => score(p) === best);
    const first = Math.min(...top.map(rank));
    const ties = top.filter((p) => rank(p) === first);
    const pick = ties[Math.floor(random() * ties.length)];
    chosen.push(pick);
    open = open.filter((g) => !covers(pick, g));
  }
  return chosen;
}

/** A solo fault holds past a lease's TTL + 2 s where its range allows, so it costs the node its lease. */
function soloHold(fault: Fault, ttlMs: number, random: () => number): number {
  const [lo, hi] = fault.holdMs(ttlMs);
  const from = Math.min(hi, Math.max(lo, ttlMs + 2000));
  return Math.round(from + random() * (hi - from));
}

/**
 * When the next fault may start after a solo one: once the liveness checks'
 * deadlines have passed, the lease's expiry and a report after it (2 TTL +
 * 3 s from the start), and the node's recovery after the heal (TTL + 2 s).
 */
function soloEnd(at: number, holdMs: number, ttlMs: number): number {
  return at + Math.max(holdMs + ttlMs + 2000, 2 * ttlMs + 3000);
}
