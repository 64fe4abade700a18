import type { Fault } from "../lib/faults/fault.ts";
import { pickNode } from "./targets.ts";

/** SIGKILL a node; the heal restarts it (same id, next incarnation). */
export const killNode: Fault = {
  name: "kill-node",
  description: "SIGKILL a node (prefers the primary), restart it after 0.5–1.5 × TTL",
  side: "node",
  holdMs: (ttl) => [0.5 * ttl, 1.5 * ttl],
  async start(world, random, aim) {
    const node = await pickNode(world, random, aim);
    if (!node) return undefined;
    const primary = node.state.primary === true;
    const at = world.now();
    await node.kill();
    return {
      at,
      targets: [node.id],
      detail: { incarnation: node.incarnation, primary },
      heal: () => node.start(),
    };
  },
};
