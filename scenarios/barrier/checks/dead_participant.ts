/** `barrier-dead-participant`: a participant dead inside the barrier holds the others at most until its lease expires. */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { disturbance } from "../../../lib/checks/disturbed.ts";
import { summarize } from "../../../lib/checks/stats.ts";
import { barrierVerdict, DISABLING, prepareDoubleBarrier } from "./double_barrier_view.ts";
import type { DoubleBarrierOptions } from "./double_barrier_view.ts";

/** The check; see the module comment. */
export function deadParticipantChecker(o: DoubleBarrierOptions): BuiltinChecker {
  return {
    name: "barrier-dead-participant",
    exercise: { faults: [...DISABLING], role: o.role },
    description:
      "a participant that dies inside the barrier holds the others' leave at most until its lease expires (TTL + slack)",
    check(input) {
      const { rounds, windows, participants } = prepareDoubleBarrier(o, input);
      const evidence: { violation: string }[] = [];
      const releaseMs: number[] = [];
      for (const w of windows) {
        if (!DISABLING.has(w.fault)) continue;
        const lasting = w.fault === "kill-node" || w.fault === "kill-lease" ||
          w.stop - w.start > input.ttlMs;
        if (!lasting) continue;
        const p = w.targets[0];
        for (const [g, { enters, leaves }] of rounds) {
          // p was inside round g: entered it, and that incarnation had not asked to leave yet.
          const inside = enters.find((e) =>
            e.node === p && e.outcome === "ok" && e.complete!.time <= w.start &&
            !leaves.some((l) =>
              l.node === p && l.incarnation === e.incarnation && l.invoke.time <= w.start
            )
          );
          if (!inside) continue;
          let due = w.start + input.ttlMs + o.releaseSlackMs;
          // Re-joined before its old lease ran out: the others wait for the new incarnation.
          const rejoin = enters.find((e) =>
            e.node === p && e.incarnation > inside.incarnation && e.invoke.time <= due
          );
          if (rejoin) {
            const again = leaves.find((l) => l.node === p && l.incarnation === rejoin.incarnation);
            if (!again) continue;
            due = Math.max(due, again.invoke.time + o.boundMs);
          }
          for (const l of leaves) {
            if (l.node === p || l.invoke.time > due) continue;
            const end = l.complete?.time ?? Infinity;
            if (l.outcome === "ok" && end <= due) {
              releaseMs.push(Math.max(0, end - w.start));
              continue;
            }
            if (l.outcome !== "ok" && end <= due) continue;
            const other = disturbance(windows, w.start, Math.min(end, due + 1), {
              nodes: new Set([...participants].filter((n) => n !== p)),
              recoverMs: o.recoverMs,
              except: w.id,
            });
            if (other) continue;
            evidence.push({
              violation: "still held TTL + slack after a participant died inside the barrier",
              round: g,
              dead: {
                node: p,
                incarnation: inside.incarnation,
                fault: w.fault,
                at: Math.round(w.start),
              },
              node: l.node,
              incarnation: l.incarnation,
              dueBy: Math.round(due),
              completed: Number.isFinite(end) ? Math.round(end) : null,
              events: [l.invoke, l.complete],
            } as { violation: string });
          }
        }
      }
      const judged = releaseMs.length + evidence.length;
      return barrierVerdict(
        input,
        "barrier-dead-participant",
        evidence,
        judged,
        `${releaseMs.length} leave(s) released after a participant died inside, max ${
          summarize("r", releaseMs).r_max
        } ms`,
        { judged, violations: evidence.length, ...summarize("releaseMs", releaseMs) },
        "no participant died inside the barrier while others waited",
        [...DISABLING],
      );
    },
  };
}
