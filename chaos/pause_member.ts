import type { Fault } from "../lib/faults/fault.ts";
import { holdMembers, membersBusy, pickMember } from "./member_targets.ts";

/** SIGSTOP a member: its connections stay open but nothing answers. SIGCONT heals. */
export const pauseMember: Fault = {
  name: "pause-member",
  description: "SIGSTOP a random etcd member for 0.5–2 × TTL, then SIGCONT",
  side: "member",
  holdMs: (ttl) => [0.5 * ttl, 2 * ttl],
  start(world, random, aim) {
    if (membersBusy(world)) return Promise.resolve(undefined);
    const member = pickMember(world, random, aim);
    return holdMembers(world, {
      targets: [member],
      act: (control) => control.pause(member),
      undo: (control) => control.resume(member),
    });
  },
};
