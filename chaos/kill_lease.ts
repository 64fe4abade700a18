import type { Fault } from "../lib/faults/fault.ts";
import { pickNode } from "./targets.ts";

/** Revoke, from outside, a live lease a node reports holding (`state.lease`). */
export const killLease: Fault = {
  name: "kill-lease",
  description: "revoke a lease a node reports holding (prefers the primary's); nothing to heal",
  side: "node",
  holdMs: () => [0, 0],
  async start(world, random, aim) {
    const withLease = {
      ...world,
      nodes: world.nodes.filter((n) => typeof n.state.lease === "string"),
    };
    const node = await pickNode(withLease, random, aim);
    if (!node) return undefined;
    const lease = String(node.state.lease);
    const at = world.now();
    let revoked = true;
    try {
      await world.admin.leaseClient.leaseRevoke({ ID: lease });
    } catch {
      revoked = false; // already expired or revoked
    }
    return {
      at,
      targets: [node.id],
      detail: { lease, revoked, primary: node.state.primary === true },
      heal: () => Promise.resolve(),
    };
  },
};
