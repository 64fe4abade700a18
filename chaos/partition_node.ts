import type { Fault } from "../lib/faults/fault.ts";
import { pickNode } from "./targets.ts";

/** Cut one node off from etcd: its proxy black-holes traffic both ways, connections stay open. */
export const partitionNode: Fault = {
  name: "partition-node",
  description:
    "cut a node (prefers the primary) off from etcd for 1–2.5 × TTL, connections held open",
  side: "node",
  holdMs: (ttl) => [1 * ttl, 2.5 * ttl],
  async start(world, random, aim) {
    const node = await pickNode(world, random, aim);
    if (!node) return undefined;
    const at = world.now();
    node.proxy.cut(true);
    return {
      at,
      targets: [node.id],
      detail: { incarnation: node.incarnation, primary: node.state.primary === true },
      heal: () => Promise.resolve(node.proxy.cut(false)),
    };
  },
};
