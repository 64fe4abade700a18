import type { Fault } from "../lib/faults/fault.ts";
import { memberNames } from "./member_targets.ts";
import { holdDisaster, readyForDisaster } from "./disaster_steps.ts";

/**
 * SIGKILL every member, as a power cut does; after the hold all start again
 * from their data dirs at once (a cold start: no member has a leader, they
 * elect one). Nothing serves meanwhile. Start detail: the leader before.
 * The heal waits until every member serves; its detail has the steps with
 * their times. It waits for another member fault to heal instead of
 * skipping, and for the cool-down after the last disaster drill
 * (disaster_steps.ts).
 */
export const killAll: Fault = {
  name: "kill-all",
  description: "SIGKILL every etcd member, cold start them all from their data dirs after 2–5 s",
  side: "member",
  holdMs: (ttl) => [Math.max(2000, 0.5 * ttl), Math.max(5000, 1.5 * ttl)],
  async start(world) {
    if (!await readyForDisaster(world)) return undefined;
    const names = memberNames(world);
    const detail: Record<string, unknown> = {};
    return await holdDisaster(world, {
      targets: names,
      detail,
      act: async (control) => {
        detail.leaderBefore = await world.cluster.leader();
        await Promise.all(names.map((m) => control.kill(m)));
        detail.killedAt = world.now();
      },
      undo: async (control, steps) => {
        await Promise.all(names.map((m) => control.restart(m)));
        steps.push({ step: "restarted every member on its data dir", at: world.now() });
      },
    });
  },
};
