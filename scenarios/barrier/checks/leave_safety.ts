/** `leave-safety`: nobody leaves while etcd still holds a participant key of the round. */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { keysBelow } from "../../../lib/history/key_log.ts";
import { barrierVerdict, prepareDoubleBarrier } from "./double_barrier_view.ts";
import type { DoubleBarrierOptions } from "./double_barrier_view.ts";

/** The check; see the module comment. */
export function leaveSafetyChecker(o: DoubleBarrierOptions): BuiltinChecker {
  return {
    name: "leave-safety",
    description: "nobody leaves a round while a participant's key of it is still there",
    check(input) {
      const { rounds, timeline } = prepareDoubleBarrier(o, input);
      const evidence: { violation: string }[] = [];
      let judged = 0;
      if (!timeline) {
        return { valid: "unknown", judged: 0, summary: "no key log in the final reads" };
      }
      for (const [g, { leaves }] of rounds) {
        for (const l of leaves) {
          const r = l.complete?.revision;
          if (l.outcome !== "ok" || r === undefined || !timeline.covers(r)) continue;
          judged++;
          const left = keysBelow(timeline.at(r)!, o.participantKeys(g));
          if (left.length > 0) {
            evidence.push({
              violation: "left while participants were still inside",
              round: g,
              node: l.node,
              incarnation: l.incarnation,
              revision: r,
              inside: left.map((kv) => kv.key),
              events: [l.invoke, l.complete],
            } as { violation: string });
          }
        }
      }
      return barrierVerdict(
        input,
        "leave-safety",
        evidence,
        judged,
        `${judged} leaves, none early`,
        {
          judged,
          violations: evidence.length,
        },
      );
    },
  };
}
