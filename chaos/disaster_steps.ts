/**
 * Small steps the disaster drills (kill-quorum, kill-all, restore-snapshot,
 * lag-until-snapshot) share: a seeded order of members, a write probe, and
 * the cluster's highest revision.
 */
import type { ActiveFault, World } from "../lib/faults/fault.ts";
import { memberClient } from "../lib/cluster/maintenance.ts";
import { memberStatus } from "../lib/cluster/gateway.ts";
import type { MemberControl } from "../lib/cluster/cluster.ts";
import { MEMBERS_FREE_WAIT_MS, membersFree } from "./members_free.ts";
import { controlOf, HEAL_READY_MS } from "./member_targets.ts";

/** The key the drills' own probes write (outside every run's prefix). */
export const PROBE_KEY = "etcd-drills/disaster-probe";
/** How long a probe write may take before it counts as refused. */
const PROBE_MS = 1500;

/** A seeded Fisher–Yates shuffle (a copy). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** What a write probe got: refused with etcd's error, or accepted at a revision. */
export type WriteProbe = { refused: true; error: string } | { refused: false; revision: number };

/**
 * One put through `member` alone, without retries, bounded by 1.5 s: what a
 * client of that member gets now. Never throws.
 */
export async function writeRefusal(world: World, member: string): Promise<WriteProbe> {
  const client = memberClient(world.cluster, member);
  try {
    const r = await client.put(PROBE_KEY).value(member).options({
      deadline: new Date(Date.now() + PROBE_MS),
    }).exec();
    return { refused: false, revision: Number(r.header.revision) };
  } catch (e) {
    return { refused: true, error: (e instanceof Error ? e.message : String(e)).split("\n")[0] };
  } finally {
    client.close();
  }
}

/**
 * The highest store revision any member reports now (Maintenance status,
 * which answers without a quorum); undefined when none answers.
 */
export async function highestRevision(world: World): Promise<number | undefined> {
  const revisions = await Promise.all(
    world.cluster.members.map((m) =>
      memberStatus(m.clientUrl, 1000).then((s) => s.revision, () => undefined)
    ),
  );
  const known = revisions.filter((r): r is number => r !== undefined);
  return known.length ? Math.max(...known) : undefined;
}

/** When a disaster drill last healed, by the run's member claims (one set per run). */
const lastHealed = new WeakMap<Set<string>, number>();

/**
 * How long the cluster serves after a disaster before the next one starts:
 * twice the lease TTL, at least 4 s, so nodes can renew, reconnect and make
 * progress between outages (back to back, a run of kill-quorum left the
 * cluster serving for 20 ms at a time).
 */
export function coolDownMs(ttlMs: number): number {
  return Math.max(4000, 2 * ttlMs);
}

/** Notes that a disaster drill of this run has just healed. */
export function markHealed(world: World): void {
  lastHealed.set(world.busyMembers, Date.now());
}

/** How long until the cool-down after this run's last disaster drill has passed (0: it has). */
function coolDownLeft(world: World): number {
  const last = lastHealed.get(world.busyMembers);
  return last === undefined ? 0 : Math.max(0, last + coolDownMs(world.ttlMs) - Date.now());
}

/**
 * Waits until no member fault holds and the cool-down after this run's last
 * disaster drill has passed; false when that takes longer than members_free.ts's
 * wait plus two cool-downs (the drill is then skipped). Claim the
 * members in the same turn as it resolves true.
 */
export async function readyForDisaster(world: World): Promise<boolean> {
  // Two drills may wait out one cool-down together: the one that claims first goes, the
  // other waits again for the members and for the cool-down after that one. Bounded overall.
  const deadline = Date.now() + MEMBERS_FREE_WAIT_MS + 2 * coolDownMs(world.ttlMs);
  while (true) {
    if (!await membersFree(world, Math.max(0, deadline - Date.now()))) return false;
    const left = coolDownLeft(world);
    if (left === 0) return true; // free and cooled down, in this turn: the caller claims now
    if (Date.now() + left > deadline) return false;
    await new Promise((r) => setTimeout(r, left));
  }
}

/** One step of a drill, on the history clock. */
export interface Step {
  step: string;
  at: number;
}

/** How a disaster acts and how it is undone; `undo` notes its steps. */
export interface DisasterAction {
  /** Members hit; they are claimed until the heal is done. */
  targets: string[];
  detail: Record<string, unknown>;
  act(control: MemberControl): Promise<void>;
  undo(control: MemberControl, steps: Step[]): Promise<void>;
}

/**
 * Claims `targets` (call right after {@link readyForDisaster}), stamps the
 * time, acts. The heal undoes, waits until every member serves, and resolves
 * with the steps and their times; it then marks the drill healed (the next
 * one waits out the cool-down) and releases the claim.
 */
export async function holdDisaster(world: World, action: DisasterAction): Promise<ActiveFault> {
  const control = controlOf(world);
  for (const t of action.targets) world.busyMembers.add(t);
  const release = () => {
    for (const t of action.targets) world.busyMembers.delete(t);
  };
  const at = world.now();
  try {
    await action.act(control);
  } catch (e) {
    await action.undo(control, []).catch(() => {});
    release();
    throw e;
  }
  return {
    at,
    targets: action.targets,
    detail: action.detail,
    heal: async () => {
      try {
        const steps: Step[] = [];
        await action.undo(control, steps);
        await world.cluster.waitReady(HEAL_READY_MS);
        steps.push({ step: "every member serves", at: world.now() });
        return { steps };
      } finally {
        markHealed(world);
        release();
      }
    },
  };
}
