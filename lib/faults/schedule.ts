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
  /**
   * What it hit when it ran (results.json), or what it must hit (a plan
   * replayed from results.json): a node fault's node, a member fault's member.
   */
  targets?: string[];
}

/** A fault as a run names it: the kind, and the role of the nodes it aims at (`flap-node@discoverer`). */
export interface FaultChoice {
  /** The kind of fault. */
  fault: Fault;
  /** The role of the nodes a node fault aims at; absent: any node. */
  role?: string;
}

/** A named fault the plan could not place before the workload ends, and the duration that would fit it. */
export interface UnfitFault {
  /** As named: `kill-node` or `flap-node@discoverer`. */
  name: string;
  /** A --duration, ms, long enough to place it. */
  needsMs: number;
}

/** Faults of which one must hold alone once, on a node of `role` (any when absent). */
export interface SoloGroup {
  faults: readonly string[];
  role?: string;
}

/** Options of {@link planFaults}. */
export interface PlanOptions {
  faults: readonly Fault[];
  /**
   * The faults as named, with the role each aims at (default: each fault
   * once, no role). The draw picks among these; each runs at least once
   * when the duration allows.
   */
  choices?: readonly FaultChoice[];
  /** The choices that must run at least once (default: every choice); a `--faults all` draw has none. */
  mustRun?: readonly FaultChoice[];
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
 * same plan. Faults of one kind never overlap, member faults that hold the
 * member side never overlap each other (one would find the members held and
 * be skipped), and all heal before the end. The drawing loop takes at most
 * {@link MAX_PLANNED} steps; an interval that is not a positive number of ms
 * is refused (it would never advance).
 */
export function planFaults(o: PlanOptions): PlannedFault[] {
  return planRun(o).plan;
}

/**
 * {@link planFaults}, then every named fault the draw left out placed where
 * it fits (a named fault must run); those that fit nowhere before the end
 * are returned as `unfit` with the duration that would fit them.
 */
export function planRun(o: PlanOptions): { plan: PlannedFault[]; unfit: UnfitFault[] } {
  if (!(o.intervalMs > 0) || !Number.isFinite(o.intervalMs)) {
    throw new RangeError(`fault interval ${o.intervalMs} ms: give a positive number of ms`);
  }
  const random = mulberry32(o.seed);
  const plan: PlannedFault[] = [];
  const busyUntil = new Map<string, number>();
  if (o.faults.length === 0) return { plan, unfit: [] };
  const choices: readonly FaultChoice[] = o.choices ?? o.faults.map((fault) => ({ fault }));
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
  const mixFrom = at;
  const isFree = (f: Fault, t: number) =>
    (busyUntil.get(f.name) ?? 0) <= t && (!holdsMembers(f) || (busyUntil.get(MEMBERS) ?? 0) <= t);
  for (let step = 0; at < o.durationMs && step < MAX_PLANNED; step++) {
    const free = choices.filter((c) => isFree(c.fault, at));
    const seed = Math.floor(random() * 2 ** 31);
    if (free.length > 0) {
      const { fault, role } = free[Math.floor(random() * free.length)];
      const [lo, hi] = fault.holdMs(o.ttlMs);
      const holdMs = Math.round(Math.min(lo + random() * (hi - lo), o.durationMs - at));
      if (holdMs >= lo || lo === hi) {
        plan.push({
          id: plan.length + 1,
          at: Math.round(at),
          fault: fault.name,
          holdMs,
          seed,
          ...(role ? { role } : {}),
        });
        busyUntil.set(fault.name, at + holdMs);
        if (holdsMembers(fault)) busyUntil.set(MEMBERS, at + holdMs + MEMBER_HEAL_MS);
      }
    }
    at += o.intervalMs * (0.5 + random());
  }
  const unfit = placeMissing(plan, o.mustRun ?? choices, { ...o, mixFrom });
  plan.sort((a, b) => a.at - b.at);
  plan.forEach((p, i) => p.id = i + 1);
  return { plan, unfit };
}

/** Time a member fault's heal takes (members serving again) before the next may start, ms. */
const MEMBER_HEAL_MS = 2000;

/** The busy key of the member side: member faults that hold it take turns. */
const MEMBERS = "\u0000members";

/** A member fault that claims the members while it holds (not one acting only through the API). */
function holdsMembers(f: Fault): boolean {
  return f.side === "member" && f.apiOnly !== true;
}

/** The name a choice is given on the command line: `kill-node`, `flap-node@discoverer`. */
export function choiceName(c: { fault: { name: string } | string; role?: string }): string {
  const name = typeof c.fault === "string" ? c.fault : c.fault.name;
  return c.role ? `${name}@${c.role}` : name;
}

/**
 * Places each choice the draw left out (or whose only draws a solo window
 * aimed elsewhere) at its shortest hold, in the mixed part of the plan where
 * nothing of its kind, and for a member fault no other member fault, holds;
 * the slot is drawn from a generator of its own, so the seed's draws above
 * stay what they were. Returns the choices that fit nowhere.
 */
function placeMissing(
  plan: PlannedFault[],
  choices: readonly FaultChoice[],
  o: PlanOptions & { mixFrom: number },
): UnfitFault[] {
  const random = mulberry32(o.seed ^ 0x5eed);
  const unfit: UnfitFault[] = [];
  // Where the faults with no room would go in a longer run: after the end (member faults in turn).
  let memberCursor = Math.max(o.mixFrom, o.durationMs);
  const planned = (c: FaultChoice) =>
    plan.some((p) => p.fault === c.fault.name && (c.role === undefined || p.role === c.role));
  const overlaps = (f: Fault, from: number, to: number) =>
    plan.some((p) => {
      const other = o.faults.find((x) => x.name === p.fault) ?? f;
      const members = holdsMembers(f) && holdsMembers(other);
      const margin = members ? MEMBER_HEAL_MS : 0; // each side's heal, before the other starts
      return p.at < to + margin && from < p.at + p.holdMs + margin &&
        (p.fault === f.name || members);
    });
  for (const c of choices) {
    if (planned(c)) continue;
    const holdMs = Math.round(c.fault.holdMs(o.ttlMs)[0]);
    const last = o.durationMs - holdMs;
    let at: number | undefined;
    for (let i = 0; i < 20 && at === undefined && last >= o.mixFrom; i++) {
      const t = Math.round(o.mixFrom + random() * (last - o.mixFrom));
      if (!overlaps(c.fault, t, t + holdMs)) at = t;
    }
    for (let t = Math.ceil(o.mixFrom); at === undefined && t <= last; t += 250) {
      if (!overlaps(c.fault, t, t + holdMs)) at = t;
    }
    if (at === undefined && takeOver(plan, c, holdMs, o)) continue;
    if (at === undefined) {
      // Too short a workload, or too crowded: either way a longer one has room after the end.
      const from = holdsMembers(c.fault) ? memberCursor : Math.max(o.mixFrom, o.durationMs);
      if (holdsMembers(c.fault)) memberCursor = from + holdMs + MEMBER_HEAL_MS;
      unfit.push({ name: choiceName(c), needsMs: Math.ceil((from + holdMs + 1000) / 1000) * 1000 });
      continue;
    }
    plan.push({
      id: 0,
      at,
      fault: c.fault.name,
      holdMs,
      seed: Math.floor(random() * 2 ** 31),
      ...(c.role ? { role: c.role } : {}),
    });
  }
  return unfit;
}

/**
 * A crowded plan makes room by giving a drawn fault's slot to a named one the draw left out: the
 * first fault after the solo windows whose kind the plan holds more than once, on the same side
 * (so member faults still take turns) and held at least as long as the newcomer needs.
 */
function takeOver(
  plan: PlannedFault[],
  c: FaultChoice,
  holdMs: number,
  o: PlanOptions & { mixFrom: number },
): boolean {
  const count = (name: string) => plan.filter((p) => p.fault === name).length;
  const side = (name: string) => o.faults.find((f) => f.name === name);
  const slot = plan.find((p) => {
    const f = side(p.fault);
    return !p.solo && p.at >= o.mixFrom && count(p.fault) > 1 && p.holdMs >= holdMs && !!f &&
      holdsMembers(f) === holdsMembers(c.fault) &&
      // a slot of another kind must not overlap one of the newcomer's own kind
      !plan.some((q) =>
        q !== p && q.fault === c.fault.name && q.at < p.at + holdMs && p.at < q.at + q.holdMs
      );
  });
  if (!slot) return false;
  slot.fault = c.fault.name;
  slot.holdMs = holdMs;
  if (c.role) slot.role = c.role;
  else delete slot.role;
  return true;
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
