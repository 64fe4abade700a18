/** `one-leader`: every claim names etcd's leader at its revision; leaders' acts never interleave. */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { leadershipVerdict, prepareLeadership } from "./leadership_view.ts";
import type { LeadershipOptions } from "./leadership_view.ts";

/** The check; see the module comment. */
export function oneLeaderChecker(o: LeadershipOptions): BuiltinChecker {
  return {
    name: "one-leader",
    description:
      "at most one leader at any revision: claims match etcd's leader, leaders' acts never interleave",
    check(input) {
      const { ops, claims, truthAt, contradiction } = prepareLeadership(o, input);
      const evidence: { violation: string }[] = [];
      for (const c of claims) {
        const truth = truthAt(c.revision);
        const wrong = truth !== undefined
          ? truth === null || truth.identity !== c.identity ||
            (c.token !== undefined && truth.createRevision !== c.token)
          : c.token !== undefined && contradiction(c.revision, c.token) !== undefined;
        if (wrong) {
          evidence.push({
            violation: "claimed to lead while etcd's leader was another",
            node: c.op.node,
            incarnation: c.op.incarnation,
            identity: c.identity,
            token: c.token,
            revision: c.revision,
            etcdLeader: truth ?? contradiction(c.revision, c.token!),
            events: [c.op.invoke, c.op.complete],
          } as { violation: string });
        }
      }
      // Each claim's tenure: from its revision to its last acknowledged leader-only write before
      // the next campaign (a resign ends a tenure: its delete is not an act while leading).
      const tenures = claims.map((c) => {
        const next = ops.find((x) =>
          x.f === o.campaign && x.node === c.op.node && x.incarnation === c.op.incarnation &&
          x.invoke.time > c.op.invoke.time
        );
        const acts = ops.filter((x) =>
          x.f === o.write && x.outcome === "ok" &&
          x.node === c.op.node && x.incarnation === c.op.incarnation &&
          x.invoke.time > c.op.complete!.time && (!next || x.invoke.time < next.invoke.time) &&
          x.complete?.revision !== undefined
        );
        const last = acts.reduce(
          (m, x) => (x.complete!.revision! > m.complete!.revision! ? x : m),
          c.op,
        );
        return { claim: c, from: c.revision, to: last.complete!.revision!, last };
      }).sort((a, b) => a.from - b.from);
      let widest = tenures[0];
      for (const t of tenures.slice(1)) {
        if (widest && t.from <= widest.to) {
          const same = t.claim.identity === widest.claim.identity &&
            t.claim.token === widest.claim.token;
          if (!same) {
            evidence.push({
              violation: "two leaders acted at once",
              first: {
                node: widest.claim.op.node,
                identity: widest.claim.identity,
                ledFrom: widest.from,
                lastActAt: widest.to,
              },
              second: {
                node: t.claim.op.node,
                identity: t.claim.identity,
                ledFrom: t.from,
                lastActAt: t.to,
              },
              events: [
                widest.last.invoke,
                widest.last.complete,
                t.claim.op.invoke,
                t.claim.op.complete,
              ],
            } as { violation: string });
          }
        }
        if (!widest || t.to > widest.to) widest = t;
      }
      return leadershipVerdict(
        input,
        evidence,
        claims.length,
        `${claims.length} leaders, one at a time`,
        {
          leaders: claims.length,
          violations: evidence.length,
        },
      );
    },
  };
}
