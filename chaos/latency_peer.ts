import type { Fault } from "../lib/faults/fault.ts";
import { holdMembers, memberNames, membersBusy } from "./member_targets.ts";

/** Slow every member-to-member link: raft heartbeats and appends arrive late. */
export const latencyPeer: Fault = {
  name: "latency-peer",
  description: "add 50–150 ms (+ up to 30 ms jitter) to every member-to-member link for 1–2 × TTL",
  side: "member",
  holdMs: (ttl) => [1 * ttl, 2 * ttl],
  start(world, random) {
    if (membersBusy(world)) return Promise.resolve(undefined);
    const delayMs = Math.round(50 + random() * 100);
    const jitterMs = 30;
    return holdMembers(world, {
      targets: memberNames(world),
      detail: { delayMs, jitterMs },
      act: (control) => control.delayLinks(delayMs, jitterMs),
      undo: (control) => control.delayLinks(0, 0),
    });
  },
};
