import type { Fault } from "../lib/faults/fault.ts";
import { pickNode } from "./targets.ts";

/** SIGSTOP a node for a time that crosses the lease TTL, then SIGCONT. */
export const pauseNode: Fault = {
  name: "pause-node",
  description: "SIGSTOP a node (prefers the primary) for 0.5–3 × TTL, then SIGCONT",
  side: "node",
  holdMs: (ttl) => [0.5 * ttl, 3 * ttl],
  async start(world, random, aim) {
    const node = await pickNode(world, random, aim);
    if (!node) return undefined;
    const at = world.now();
    node.pause();
    return {
      at,
      targets: [node.id],
      detail: { incarnation: node.incarnation, primary: node.state.primary === true },
      heal: () => Promise.resolve(node.resume()),
    };
  },
};
