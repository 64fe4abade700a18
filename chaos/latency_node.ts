import type { Fault } from "../lib/faults/fault.ts";
import { pickNode } from "./targets.ts";

/** Delay one node's etcd traffic (with jitter). */
export const latencyNode: Fault = {
  name: "latency-node",
  description: "add 50–250 ms (±50 ms jitter) to a node's etcd traffic for 1–2 × TTL",
  side: "node",
  holdMs: (ttl) => [1 * ttl, 2 * ttl],
  async start(world, random, aim) {
    const node = await pickNode(world, random, aim);
    if (!node) return undefined;
    const delayMs = Math.round(50 + random() * 200);
    const at = world.now();
    node.proxy.delay(delayMs, 50);
    return {
      at,
      targets: [node.id],
      detail: { delayMs, jitterMs: 50 },
      heal: () => Promise.resolve(node.proxy.delay(0, 0)),
    };
  },
};
