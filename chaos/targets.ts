import type { NodeHandle } from "../lib/node/node_handle.ts";
import type { FaultAim, World } from "../lib/faults/fault.ts";

/** How long a fault waits for a primary to appear (between two holds there is briefly none). */
const PRIMARY_WAIT_MS = 1000;
/**
 * How long an aimed fault waits: a primary of some roles holds only briefly
 * (a barrier participant is inside for 100–300 ms a round), and a solo
 * window that hits another node judges nothing.
 */
const AIMED_WAIT_MS = 5000;

/**
 * Picks a live node no other fault holds. Like Jepsen's nemeses that target
 * primaries, it prefers a node that reports `primary: true` (lock holder,
 * leader), waiting up to a second for one, so a short run still hits what
 * matters; one pick in five goes to any node so the others are hit too,
 * unless the plan aims at a primary (of a role: only nodes of that role).
 */
export async function pickNode(
  world: World,
  random: () => number,
  aim: FaultAim = {},
): Promise<NodeHandle | undefined> {
  const draw = random() < 0.8; // drawn even when aimed: the seed's later draws stay where they were
  const wantPrimary = aim.primary === true || draw;
  // A role no node has (a plugin scenario's layout) aims at any node.
  const role = world.nodes.some((n) => n.role === aim.role) ? aim.role : undefined;
  // A replayed plan names its node: that one or none (then the fault is skipped, and said so).
  const target = world.nodes.some((n) => n.id === aim.target) ? aim.target : undefined;
  const free = () =>
    world.nodes.filter((n) =>
      n.alive && !n.paused && !world.busyNodes.has(n.id) &&
      (role === undefined || n.role === role) && (target === undefined || n.id === target)
    );
  const deadline = Date.now() + (aim.primary ? AIMED_WAIT_MS : PRIMARY_WAIT_MS);
  while (wantPrimary && !free().some(isPrimary) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const candidates = free();
  if (candidates.length === 0) return undefined;
  const primaries = candidates.filter(isPrimary);
  const pool = wantPrimary && primaries.length > 0 ? primaries : candidates;
  return pool[Math.floor(random() * pool.length)];
}

function isPrimary(n: NodeHandle): boolean {
  return n.state.primary === true;
}
