// examples/brief_freeze.ts
/**
 * A fault plugin written only against the public interface (mod.ts): it freezes one node
 * (SIGSTOP) for a fifth of the lease TTL, shorter than any lease, so nothing should notice.
 * Name it in --faults: `deno task run discovery --faults ./examples/brief_freeze.ts,kill-node`.
 */
import type { Fault } from "../mod.ts";

const briefFreeze: Fault = {
  name: "brief-freeze",
  description: "SIGSTOP a random node for 0.2 × TTL, then SIGCONT",
  side: "node",
  holdMs: (ttlMs) => [0.2 * ttlMs, 0.2 * ttlMs],
  start(world, random) {
    const free = world.nodes.filter((n) => n.alive && !n.paused && !world.busyNodes.has(n.id));
    if (free.length === 0) return Promise.resolve(undefined); // nothing to hit: skipped, and said so
    const node = free[Math.floor(random() * free.length)];
    const at = world.now();
    node.pause();
    return Promise.resolve({
      at,
      targets: [node.id],
      detail: { incarnation: node.incarnation },
      heal: () => Promise.resolve(node.resume()),
    });
  },
};

export default briefFreeze;
