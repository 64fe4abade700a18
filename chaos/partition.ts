import type { Fault } from "../lib/faults/fault.ts";
import { holdMembers, memberNames, membersBusy } from "./member_targets.ts";
import { drawPartition } from "./partition_shapes.ts";

/**
 * Split the members along a drawn shape: majority/minority halves, a bridge
 * (one member sees both sides, the sides are cut from each other) or, with 5
 * members, a ring (each member sees only its neighbours).
 */
export const partition: Fault = {
  name: "partition",
  description:
    "split the etcd members (halves, bridge, or ring with 5) for 1–2 × TTL; clients still reach all",
  side: "member",
  holdMs: (ttl) => [1 * ttl, 2 * ttl],
  start(world, random) {
    if (membersBusy(world)) return Promise.resolve(undefined);
    const p = drawPartition(memberNames(world), random);
    if (!p || p.cut.length === 0) return Promise.resolve(undefined);
    // The members that lost a link: the minority, the two sides of a bridge, everyone in a ring.
    const targets = p.shape === "halves"
      ? p.groups[1]
      : p.shape === "bridge"
      ? [...p.groups[0], ...p.groups[2]]
      : p.groups[0];
    return holdMembers(world, {
      targets: [...targets].sort(),
      detail: { shape: p.shape, groups: p.groups, cut: p.cut },
      act: (control) => control.cutLinks(p.cut),
      undo: (control) => control.cutLinks([]),
    });
  },
};
