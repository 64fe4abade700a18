import type { Fault } from "./fault.ts";
import { pickNode } from "./targets.ts";

/** SIGSTOP a node for a time that crosses the lease TTL, then SIGCONT. */
export const pauseNode: Fault = {
  name: "pause-node",
  description: "SIGSTOP a node (prefers the primary) for 0.5–2.5 × TTL, then SIGCONT",
  side: "node",
  holdMs: (ttl) => [0.5 * ttl, 2.5 * ttl],
  start(world, random) {
    const node = pickNode(world, random);
    if (!node) return Promise.resolve(undefined);
    node.pause();
    return Promise.resolve({
      targets: [node.id],
      detail: { incarnation: node.incarnation, primary: node.state.primary === true },
      heal: () => Promise.resolve(node.resume()),
    });
  },
};
