import type { Fault } from "../lib/faults/fault.ts";
import { holdMembers, membersBusy, pickMember } from "./member_targets.ts";

/** SIGKILL a member; the heal restarts it on the same data dir. */
export const killMember: Fault = {
  name: "kill-member",
  description: "SIGKILL a random etcd member, restart it on its data dir after 0.5–1.5 × TTL",
  side: "member",
  holdMs: (ttl) => [0.5 * ttl, 1.5 * ttl],
  start(world, random, aim) {
    if (membersBusy(world)) return Promise.resolve(undefined);
    const member = pickMember(world, random, aim);
    return holdMembers(world, {
      targets: [member],
      act: (control) => control.kill(member),
      undo: (control) => control.restart(member),
    });
  },
};
