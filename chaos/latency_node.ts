import type { Fault } from "./fault.ts";
import { pickNode } from "./targets.ts";

/** Delay one node's etcd traffic (with jitter). */
export const latencyNode: Fault = {
  name: "latency-node",
  description: "add 50–250 ms (±50 ms jitter) to a node's etcd traffic for 1–2 × TTL",
  side: "node",
  holdMs: (ttl) => [1 * ttl, 2 * ttl],
  start(world, random) {
    const node = pickNode(world, random);
    if (!node) return Promise.resolve(undefined);
    const delayMs = Math.round(50 + random() * 200);
    node.proxy.delay(delayMs, 50);
    return Promise.resolve({
      targets: [node.id],
      detail: { delayMs, jitterMs: 50 },
      heal: () => Promise.resolve(node.proxy.delay(0, 0)),
    });
  },
};
