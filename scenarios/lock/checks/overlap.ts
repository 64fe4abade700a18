import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { holdIntervals } from "../../../lib/checks/holds.ts";

/**
 * Times two nodes both believed they held the lock. Any lease-based lock
 * shows them under pauses longer than the TTL, so this reports, it does not
 * decide: fencing is what keeps the resource safe.
 */
export function overlapChecker(names = { acquire: "acquire", release: "release" }): BuiltinChecker {
  return {
    name: "overlapping-holds",
    description:
      "intervals where two nodes both believed they held the lock (reported, not decisive)",
    decides: false,
    check({ history }) {
      const holds = holdIntervals(history, names).sort((a, b) => a.start - b.start);
      const overlaps = [];
      for (let i = 0; i < holds.length; i++) {
        for (let j = i + 1; j < holds.length && holds[j].start < holds[i].end; j++) {
          if (holds[j].node === holds[i].node) continue;
          overlaps.push({
            first: holds[i],
            second: holds[j],
            overlapMs: Math.round(Math.min(holds[i].end, holds[j].end) - holds[j].start),
          });
        }
      }
      return {
        valid: overlaps.length === 0,
        judged: holds.length,
        summary: overlaps.length === 0
          ? `${holds.length} holds, none overlapping`
          : `${overlaps.length} overlapping hold(s) among ${holds.length}`,
        evidence: overlaps,
        figures: { holds: holds.length, overlaps: overlaps.length },
      };
    },
  };
}
