/** `enter-safety`: nobody enters a round before all participants have tried to and etcd held them all. */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { keysBelow } from "../../../lib/history/key_log.ts";
import { allArrived, barrierVerdict, prepareDoubleBarrier } from "./double_barrier_view.ts";
import type { DoubleBarrierOptions } from "./double_barrier_view.ts";

/** The check; see the module comment. */
export function enterSafetyChecker(o: DoubleBarrierOptions): BuiltinChecker {
  return {
    name: "enter-safety",
    description: "nobody enters a round before all participants have entered",
    check(input) {
      const { rounds, timeline } = prepareDoubleBarrier(o, input);
      const evidence: { violation: string }[] = [];
      let judged = 0;
      for (const [g, { enters }] of [...rounds].sort((a, b) => a[0] - b[0])) {
        const arrived = allArrived(o, enters);
        const sub = o.participantKeys(g);
        // The round is judged against etcd only if the log saw it from its first key on.
        const whole = timeline && keysBelow(timeline.states[0], sub).length === 0;
        for (const e of enters) {
          if (e.outcome !== "ok") continue;
          judged++;
          if (arrived === undefined || e.complete!.time < arrived) {
            evidence.push({
              violation: "entered before all participants arrived",
              round: g,
              node: e.node,
              incarnation: e.incarnation,
              arrived: enters.map((x) => ({ node: x.node, invoked: Math.round(x.invoke.time) })),
              events: [e.invoke, e.complete],
            } as { violation: string });
            continue;
          }
          const r = e.complete!.revision;
          if (!whole || r === undefined || !timeline!.covers(r)) continue;
          let most = 0;
          for (let i = 0; i < timeline!.revisions.length && timeline!.revisions[i] <= r; i++) {
            most = Math.max(most, keysBelow(timeline!.states[i], sub).length);
          }
          if (most < o.count) {
            evidence.push({
              violation: "entered before etcd held a key of every participant",
              round: g,
              node: e.node,
              incarnation: e.incarnation,
              revision: r,
              mostKeys: most,
              events: [e.invoke, e.complete],
            } as { violation: string });
          }
        }
      }
      return barrierVerdict(
        input,
        "enter-safety",
        evidence,
        judged,
        `${judged} enters, none early`,
        {
          judged,
          violations: evidence.length,
        },
      );
    },
  };
}
