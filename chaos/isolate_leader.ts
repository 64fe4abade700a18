import type { Fault } from "../lib/faults/fault.ts";
import { currentLeader, holdMembers, memberNames, membersBusy } from "./member_targets.ts";
import { isolate } from "./partition_shapes.ts";

/**
 * Cut the raft leader off from all its peers. It steps down (check quorum),
 * the others elect a new leader; clients attached to it can no longer read
 * linearizably or write.
 */
export const isolateLeader: Fault = {
  name: "isolate-leader",
  description: "cut the raft leader off from its peers (clients still reach it) for 1–2 × TTL",
  side: "member",
  holdMs: (ttl) => [1 * ttl, 2 * ttl],
  async start(world) {
    const names = memberNames(world);
    if (names.length < 2 || membersBusy(world)) return undefined;
    const leader = await currentLeader(world);
    if (!leader) return undefined;
    const cut = isolate(leader, names);
    return holdMembers(world, {
      targets: [leader],
      detail: { leader: true, cut },
      act: (control) => control.cutLinks(cut),
      undo: (control) => control.cutLinks([]),
    });
  },
};
