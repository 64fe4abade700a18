import type { Fault } from "../lib/faults/fault.ts";
import { holdMembers, memberNames, membersBusy, pickMember } from "./member_targets.ts";
import { isolate } from "./partition_shapes.ts";

/** Cut a random member off from all its peers; clients still reach it. */
export const isolateMember: Fault = {
  name: "isolate-member",
  description: "cut a random etcd member off from its peers (clients still reach it) for 1–2 × TTL",
  side: "member",
  holdMs: (ttl) => [1 * ttl, 2 * ttl],
  start(world, random, aim) {
    const names = memberNames(world);
    if (names.length < 2 || membersBusy(world)) return Promise.resolve(undefined);
    const member = pickMember(world, random, aim);
    const cut = isolate(member, names);
    return holdMembers(world, {
      targets: [member],
      detail: { cut },
      act: (control) => control.cutLinks(cut),
      undo: (control) => control.cutLinks([]),
    });
  },
};
