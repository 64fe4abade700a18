import type { Fault } from "../lib/faults/fault.ts";
import { currentLeader, holdMembers, membersBusy } from "./member_targets.ts";

/** SIGKILL the raft leader; the others elect a new one. The heal restarts it on the same data dir. */
export const killLeader: Fault = {
  name: "kill-leader",
  description: "SIGKILL the raft leader, restart it on its data dir after 0.5–1.5 × TTL",
  side: "member",
  holdMs: (ttl) => [0.5 * ttl, 1.5 * ttl],
  async start(world) {
    if (membersBusy(world)) return undefined;
    const leader = await currentLeader(world);
    if (!leader) return undefined;
    return holdMembers(world, {
      targets: [leader],
      detail: { leader: true },
      act: (control) => control.kill(leader),
      undo: (control) => control.restart(leader),
    });
  },
};
