import type { Fault } from "./fault.ts";
import { pickNode } from "./targets.ts";

/** Cut one node off from etcd: its proxy black-holes traffic both ways, connections stay open. */
export const partitionNode: Fault = {
  name: "partition-node",
  description: "cut a node (prefers the primary) off from etcd for 1–2.5 × TTL, connections held open",
  side: "node",
  holdMs: (ttl) => [1 * ttl, 2.5 * ttl],
  start(world, random) {
    const node = pickNode(world, random);
    if (!node) return Promise.resolve(undefined);
    node.proxy.cut(true);
    return Promise.resolve({
      targets: [node.id],
      detail: { incarnation: node.incarnation, primary: node.state.primary === true },
      heal: () => Promise.resolve(node.proxy.cut(false)),
    });
  },
};
