/**
 * What every member fault shares: picking a member, claiming the member side
 * (one member fault at a time, so quorum loss has one cause), and a heal that
 * undoes the fault and waits until every member serves again.
 */
import type { MemberControl } from "../lib/cluster/cluster.ts";
import type { ActiveFault, FaultAim, World } from "../lib/faults/fault.ts";

/**
 * How long a heal waits for every member to serve linearizable reads again.
 * After a ring of 5 heals, the far members' raised terms (etcd 3.4 runs
 * without pre-vote) can force more than one election; under a loaded
 * machine (the suite's four files at once) that once took over 10 s.
 */
export const HEAL_READY_MS = 20_000;

/** How long a fault aimed at the leader waits for one to be known. */
const LEADER_WAIT_MS = 1000;

/** The cluster's member controls; member faults are only offered where they exist. */
export function controlOf(world: World): MemberControl {
  const control = world.cluster.control;
  if (!control) throw new Error(`a ${world.cluster.kind} cluster offers no member control`);
  return control;
}

/** Whether another member fault holds now. */
export function membersBusy(world: World): boolean {
  return world.busyMembers.size > 0;
}

/** The member names, in the cluster's order. */
export function memberNames(world: World): string[] {
  return world.cluster.members.map((m) => m.name);
}

/** Any member, drawn from `random`; the one `aim.target` names when it is a member (a replayed plan). */
export function pickMember(world: World, random: () => number, aim: FaultAim = {}): string {
  const names = memberNames(world);
  const drawn = names[Math.floor(random() * names.length)]; // drawn anyway: later draws stay put
  return aim.target !== undefined && names.includes(aim.target) ? aim.target : drawn;
}

/** The current raft leader, waiting up to a second for one to be known (between elections there is none). */
export async function currentLeader(world: World): Promise<string | undefined> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  while (true) {
    const leader = await world.cluster.leader();
    if (leader || Date.now() >= deadline) return leader;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How a member fault acts and how it is undone. */
export interface MemberAction {
  /** Members hit; they are claimed in `busyMembers` until the heal is done. */
  targets: string[];
  /** What the fault's start and stop events carry as `detail` (e.g. which member led). */
  detail?: Record<string, unknown>;
  /** Does the fault to the targets with the cluster's member controls. */
  act(control: MemberControl): Promise<void>;
  /** Undoes `act` (also called when `act` throws, to leave nothing half done). */
  undo(control: MemberControl): Promise<void>;
}

/**
 * Claims the member side, stamps the time, acts. Undefined (the fault is
 * skipped) when another member fault holds. The check and the claim happen
 * in one turn of the event loop, so two faults starting together cannot
 * both pass. The heal undoes the fault, waits up to {@link HEAL_READY_MS}
 * for every member to serve linearizable reads, then releases the claim,
 * so the next member fault starts from a whole cluster.
 */
export async function holdMembers(
  world: World,
  action: MemberAction,
): Promise<ActiveFault | undefined> {
  if (membersBusy(world)) return undefined;
  const control = controlOf(world);
  for (const t of action.targets) world.busyMembers.add(t);
  const release = () => {
    for (const t of action.targets) world.busyMembers.delete(t);
  };
  const at = world.now();
  try {
    await action.act(control);
  } catch (e) {
    await action.undo(control).catch(() => {});
    release();
    throw e;
  }
  return {
    at,
    targets: action.targets,
    detail: action.detail,
    heal: async () => {
      try {
        await action.undo(control);
        await world.cluster.waitReady(HEAL_READY_MS);
      } finally {
        release();
      }
    },
  };
}
