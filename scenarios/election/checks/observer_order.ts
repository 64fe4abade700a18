/** `observer-order`: observers see leaders in etcd's order, never one that was not. */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import type { Operation } from "../../../lib/history/event.ts";
import { leaderIn, leadershipVerdict, num, prepareLeadership } from "./leadership_view.ts";
import type { LeadershipOptions } from "./leadership_view.ts";

/** The check; see the module comment. */
export function observerOrderChecker(o: LeadershipOptions): BuiltinChecker {
  return {
    name: "observer-order",
    description: "observers see leaders in etcd's order, never a leader that was not",
    check(input) {
      const { ops, claims, timeline, truthAt, contradiction, looks } = prepareLeadership(o, input);
      const evidence: { violation: string }[] = [];
      // Every leader etcd is known to have had, in order: from the log, the looks and the verified claims.
      const known = new Map<number, string>();
      if (timeline) {
        for (const s of timeline.states) {
          const l = leaderIn(s);
          if (l) known.set(l.createRevision, l.identity);
        }
      }
      for (const l of looks) if (l.leader) known.set(l.leader.createRevision, l.leader.identity);
      for (const c of claims) {
        const t = truthAt(c.revision);
        if (t) known.set(t.createRevision, t.identity);
      }
      const sequence = [...known].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
      const complete = timeline?.from === 1;
      const byObserver = new Map<string, Operation[]>();
      for (const x of ops) {
        if (x.f !== o.observe || x.outcome !== "ok") continue;
        const k = `${x.node}#${x.incarnation}`;
        byObserver.set(k, [...(byObserver.get(k) ?? []), x]);
      }
      let seen = 0;
      for (const [who, list] of byObserver) {
        let lastRevision = 0, lastToken = 0, at = 0;
        for (const x of list) {
          seen++;
          const v = x.complete!.value as { leader: string | null; token?: number | null };
          const r = x.complete!.revision;
          const token = num(v.token);
          const bad = (violation: string, extra: Record<string, unknown> = {}) =>
            evidence.push({
              violation,
              observer: who,
              leader: v.leader,
              token,
              revision: r,
              ...extra,
              events: [x.complete],
            } as { violation: string });
          if (r !== undefined) {
            if (r < lastRevision) bad("went back in revision", { previous: lastRevision });
            lastRevision = Math.max(lastRevision, r);
          }
          if (v.leader === null) continue;
          if (token !== undefined) {
            if (token <= lastToken) {
              bad("leaders out of etcd's order", { previousToken: lastToken });
            }
            lastToken = Math.max(lastToken, token);
          }
          const truth = r !== undefined ? truthAt(r) : undefined;
          if (truth !== undefined) {
            if (
              truth === null || truth.identity !== v.leader ||
              (token !== undefined && truth.createRevision !== token)
            ) bad("saw a leader etcd did not have at that revision", { etcdLeader: truth });
            continue;
          }
          if (r !== undefined && token !== undefined) {
            const c = contradiction(r, token);
            if (c) bad("saw a leader etcd did not have at that revision", { etcdLook: c });
            continue;
          }
          // No revision: the observed leaders must follow etcd's sequence of leaders.
          const i = sequence.indexOf(v.leader, at);
          if (i >= 0) at = i;
          else if (complete) {
            bad(
              sequence.includes(v.leader)
                ? "leaders out of etcd's order"
                : "saw a leader that never was",
            );
          }
        }
      }
      return leadershipVerdict(
        input,
        evidence,
        seen,
        `${byObserver.size} observers, ${seen} leader changes, all in etcd's order`,
        {
          observers: byObserver.size,
          observed: seen,
          violations: evidence.length,
        },
      );
    },
  };
}
