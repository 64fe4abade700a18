import type { Fault } from "../lib/faults/fault.ts";
import { memberNames } from "./member_targets.ts";
import { holdDisaster, readyForDisaster, shuffled, writeRefusal } from "./disaster_steps.ts";

/**
 * SIGKILL a majority of the members at once (2 of 3, 3 of 5), as a rack or
 * a zone going down does: the survivors have no quorum, so every write and
 * linearizable read is refused until the heal restarts the dead on their
 * data dirs. Which members die is drawn from the seed (the leader may be
 * among them or not). Start detail: the members killed, the leader before,
 * and what a write through a survivor got while they were down (`writeProbe`:
 * refused, with etcd's error; a write accepted would be etcd's bug). The
 * heal restarts them and waits until every member serves; its detail has
 * the steps with their times. Like operator drills it waits for another
 * member fault to heal instead of skipping, and for the cool-down after the
 * last disaster drill (disaster_steps.ts).
 */
export const killQuorum: Fault = {
  name: "kill-quorum",
  description:
    "SIGKILL a majority of the etcd members (writes refused), restart them on their data dirs after 2–5 s",
  side: "member",
  holdMs: (ttl) => [Math.max(2000, 0.5 * ttl), Math.max(5000, 1.5 * ttl)],
  async start(world, random) {
    if (!await readyForDisaster(world)) return undefined;
    const names = memberNames(world);
    const killed = shuffled(names, random).slice(0, Math.floor(names.length / 2) + 1).sort();
    const survivors = names.filter((n) => !killed.includes(n));
    const detail: Record<string, unknown> = { killed, survivors, quorum: killed.length };
    return await holdDisaster(world, {
      targets: killed,
      detail,
      act: async (control) => {
        detail.leaderBefore = await world.cluster.leader();
        await Promise.all(killed.map((m) => control.kill(m)));
        detail.killedAt = world.now();
        if (survivors.length > 0) detail.writeProbe = await writeRefusal(world, survivors[0]);
      },
      undo: async (control, steps) => {
        for (const m of killed) {
          await control.restart(m);
          steps.push({ step: `restarted ${m} on its data dir`, at: world.now() });
        }
      },
    });
  },
};
