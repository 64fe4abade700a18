import type { Fault } from "../lib/faults/fault.ts";
import { pickNode } from "./targets.ts";

/**
 * SIGKILL a node and start it again at once, as a process supervisor does.
 * Unlike kill-node there is no gap: the new incarnation runs while the old
 * one's lease and keys live on for up to a TTL, so a subject that assumes
 * "one process, one registration" meets its own ghost.
 */
export const restartNode: Fault = {
  name: "restart-node",
  description:
    "SIGKILL a node (prefers the primary) and restart it at once; the old incarnation's lease lives on for up to a TTL",
  side: "node",
  holdMs: () => [0, 0],
  async start(world, random, aim) {
    const node = await pickNode(world, random, aim);
    if (!node) return undefined;
    const primary = node.state.primary === true;
    const lease = typeof node.state.lease === "string" ? node.state.lease : undefined;
    const incarnation = node.incarnation;
    const at = world.now();
    await node.kill();
    await node.start();
    return {
      at,
      targets: [node.id],
      detail: { incarnation, restartedAs: node.incarnation, primary, lease },
      heal: () => Promise.resolve(),
    };
  },
};
