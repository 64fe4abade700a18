import assert from "node:assert/strict";
import { pickNode } from "../../chaos/targets.ts";
import type { World } from "../../lib/faults/fault.ts";
import type { NodeHandle } from "../../lib/node/node_handle.ts";

/** Nodes as pickNode sees them: id, role, liveness and the state they report. */
function worldOf(nodes: { id: string; role: string; primary: boolean }[]): World {
  const handles = nodes.map((n) => ({
    id: n.id,
    role: n.role,
    alive: true,
    paused: false,
    state: { primary: n.primary },
  })) as unknown as NodeHandle[];
  return { nodes: handles, busyNodes: new Set<string>() } as unknown as World;
}

const NODES = [
  { id: "n1", role: "setter", primary: true },
  { id: "n2", role: "setter", primary: true },
  { id: "n3", role: "participant", primary: true },
  { id: "n4", role: "participant", primary: false },
];

/** A seeded stream that always draws `x`. */
const always = (x: number) => () => x;

Deno.test("targets: a solo window's aim takes a primary of its role, whatever the draw", async () => {
  for (const x of [0, 0.5, 0.85, 0.99]) {
    const n = await pickNode(worldOf(NODES), always(x), { primary: true, role: "participant" });
    assert.equal(n?.id, "n3", `draw ${x}`);
  }
});

Deno.test("targets: without an aim one pick in five may go to a node that is not primary", async () => {
  // A draw of 0.9 is past the 0.8 that prefers primaries: any node may be hit.
  const n = await pickNode(worldOf(NODES), always(0.9));
  assert.equal(n?.id, "n4");
  assert.equal((await pickNode(worldOf(NODES), always(0.1)))?.role, "setter");
});

Deno.test("targets: a role no node has aims at any node", async () => {
  const n = await pickNode(worldOf(NODES), always(0), { primary: true, role: "nobody" });
  assert.equal(n?.id, "n1");
});
