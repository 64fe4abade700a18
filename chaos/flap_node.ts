import type { Fault } from "../lib/faults/fault.ts";
import { pickNode } from "./targets.ts";

/** Shortest and longest gap between two resets, ms. */
const GAP_MS: [number, number] = [50, 500];
/** At most this many resets in one hold, whatever its length (the loop is bounded). */
const MAX_RESETS = 200;

/**
 * Reset one node's connections again and again for the hold: a flapping
 * link or a load balancer that keeps killing connections. Each reconnect
 * can be cut while the client is still catching up, which one reset never
 * does. The gaps come from the fault's seeded random source.
 */
export const flapNode: Fault = {
  name: "flap-node",
  description:
    "reset a node's etcd connections (TCP RST) every 50–500 ms (seeded) for 1–2.5 × TTL, then leave them be",
  side: "node",
  holdMs: (ttl) => [1 * ttl, 2.5 * ttl],
  async start(world, random, aim) {
    const node = await pickNode(world, random, aim);
    if (!node) return undefined;
    const at = world.now();
    let stopped = false;
    let wake: (() => void) | undefined;
    let rounds = 0;
    let reset = 0;
    const flapping = (async () => {
      while (!stopped && rounds < MAX_RESETS) {
        reset += node.proxy.reset();
        rounds++;
        const gap = GAP_MS[0] + random() * (GAP_MS[1] - GAP_MS[0]);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, gap);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
    const detail: Record<string, unknown> = {
      incarnation: node.incarnation,
      primary: node.state.primary === true,
    };
    return {
      at,
      targets: [node.id],
      detail,
      async heal() {
        stopped = true;
        wake?.();
        await flapping;
        // Filled in at the heal (the start event is already written): what the hold did, for tests.
        detail.rounds = rounds;
        detail.reset = reset;
      },
    };
  },
};
