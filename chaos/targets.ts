import type { NodeHandle } from "../lib/node/node_handle.ts";
import type { World } from "./fault.ts";

/** Share of picks that go to a node reporting `primary` (lock holder, leader) when there is one. */
const PRIMARY_BIAS = 0.8;

/**
 * Picks a live node no other fault holds. Like Jepsen's nemeses that target
 * primaries, it prefers a node that reports `primary: true` so a short run
 * still hits what matters.
 */
export function pickNode(world: World, random: () => number): NodeHandle | undefined {
  const free = world.nodes.filter((n) => n.alive && !n.paused && !world.busyNodes.has(n.id));
  if (free.length === 0) return undefined;
  const primaries = free.filter((n) => n.state.primary === true);
  const roll = random();
  const pool = primaries.length > 0 && roll < PRIMARY_BIAS ? primaries : free;
  return pool[Math.floor(random() * pool.length)];
}
