import type { Fault } from "../lib/faults/fault.ts";
import { pickNode } from "./targets.ts";

/** Reset every connection of one node at once (TCP RST); the node reconnects at will. */
export const resetNode: Fault = {
  name: "reset-node",
  description:
    "reset every etcd connection of a node (prefers the primary) at once with a TCP RST; new connections accepted; nothing to heal",
  side: "node",
  holdMs: () => [0, 0],
  async start(world, random, aim) {
    const node = await pickNode(world, random, aim);
    if (!node) return undefined;
    const at = world.now();
    const reset = node.proxy.reset();
    return {
      at,
      targets: [node.id],
      detail: { incarnation: node.incarnation, primary: node.state.primary === true, reset },
      heal: () => Promise.resolve(),
    };
  },
};
