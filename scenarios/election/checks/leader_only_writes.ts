/** `leader-only-writes`: every accepted leader-only write came from etcd's leader at its revision. */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { leaderIn, leadershipVerdict, num, prepareLeadership } from "./leadership_view.ts";
import type { LeadershipOptions, WriteValue } from "./leadership_view.ts";

/** The check; see the module comment. */
export function leaderOnlyWritesChecker(o: LeadershipOptions): BuiltinChecker {
  return {
    name: "leader-only-writes",
    description: "every accepted leader-only write came from etcd's leader at its revision",
    check(input) {
      const { ops } = prepareLeadership(o, input);
      const evidence: { violation: string }[] = [];
      let accepted = 0, rejected = 0;
      for (const w of ops) {
        if (w.f !== o.write) continue;
        if (w.outcome === "fail") rejected++;
        if (w.outcome !== "ok") continue;
        accepted++;
        const v = w.complete!.value as WriteValue;
        const leader = v.leader;
        const token = num(v.token);
        if (
          !leader || leader.identity !== v.identity ||
          (token !== undefined && leader.createRevision !== token)
        ) {
          evidence.push({
            violation: "a write accepted from a node that was not the leader",
            node: w.node,
            incarnation: w.incarnation,
            writer: v.identity,
            token,
            revision: w.complete!.revision,
            etcdLeader: leader,
            events: [w.invoke, w.complete],
          } as { violation: string });
        }
      }
      // etcd's record of the written key settles the writes of unknown outcome: every put it
      // holds must come from etcd's leader at that revision, whoever's answer was lost.
      const work = o.workLog?.(input.final);
      const { timeline } = prepareLeadership(o, input);
      let recorded = 0;
      if (work && timeline) {
        for (const e of work.events) {
          if (e.type !== "put" || !timeline.covers(e.revision)) continue;
          recorded++;
          const writer = (() => {
            try {
              return String(JSON.parse(e.value ?? "{}").identity);
            } catch {
              return undefined;
            }
          })();
          const leader = leaderIn(timeline.at(e.revision)!);
          if (writer !== undefined && leader?.identity !== writer) {
            evidence.push({
              violation:
                "etcd's record holds a leader-only write from a node that was not the leader",
              writer,
              revision: e.revision,
              etcdLeader: leader,
            } as { violation: string });
          }
        }
      }
      return leadershipVerdict(
        input,
        evidence,
        accepted + recorded,
        `${accepted} writes, each from the leader of its revision; ${rejected} rejected` +
          (work ? `; ${recorded} in etcd's record, each the leader's` : ""),
        { accepted, rejected, recorded: work ? recorded : null, violations: evidence.length },
      );
    },
  };
}
