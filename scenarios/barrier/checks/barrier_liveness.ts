/** `barrier-liveness`: everybody passes within the bound once it can. */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import type { Operation } from "../../../lib/history/event.ts";
import { disturbance } from "../../../lib/checks/disturbed.ts";
import { summarize } from "../../../lib/checks/stats.ts";
import { allArrived, barrierVerdict, prepareDoubleBarrier } from "./double_barrier_view.ts";
import type { DoubleBarrierOptions } from "./double_barrier_view.ts";

/** The check; see the module comment. */
export function barrierLivenessChecker(o: DoubleBarrierOptions): BuiltinChecker {
  return {
    name: "barrier-liveness",
    description:
      "everybody enters once all arrived and leaves once all left, within the bound (rounds without faults)",
    check(input) {
      const { rounds, windows, participants } = prepareDoubleBarrier(o, input);
      const evidence: { violation: string }[] = [];
      const enterMs: number[] = [], leaveMs: number[] = [];
      let excused = 0;
      for (const [g, { enters, leaves }] of rounds) {
        const arrived = allArrived(o, enters);
        if (arrived === undefined) continue;
        // The last to leave: every participant of the round asked to leave by then.
        const byNode = new Map<string, number>();
        for (const l of leaves) {
          byNode.set(l.node, Math.max(byNode.get(l.node) ?? 0, l.invoke.time));
        }
        const allLeft = [...new Set(enters.map((e) => e.node))].every((n) => byNode.has(n))
          ? Math.max(...byNode.values())
          : undefined;
        const judge = (x: Operation, from: number, sample: number[]) => {
          const due = from + o.boundMs;
          const end = x.complete?.time ?? Infinity;
          if (x.outcome === "ok" && end <= due) return void sample.push(Math.max(0, end - from));
          if (x.outcome !== "ok" && end <= due) return; // stopped, killed: before it was due
          if (
            disturbance(windows, from - o.boundMs, Math.min(end, due + 1), {
              nodes: participants,
              recoverMs: o.recoverMs,
            })
          ) return void excused++;
          evidence.push({
            violation: x.outcome === "ok" ? `${x.f} late` : `${x.f} never completed`,
            round: g,
            node: x.node,
            incarnation: x.incarnation,
            couldPassAt: Math.round(from),
            dueBy: Math.round(due),
            completed: Number.isFinite(end) ? Math.round(end) : null,
            outcome: x.outcome,
            events: [x.invoke, x.complete],
          } as { violation: string });
        };
        for (const e of enters) judge(e, Math.max(e.invoke.time, arrived), enterMs);
        if (allLeft !== undefined) {
          for (const l of leaves) judge(l, Math.max(l.invoke.time, allLeft), leaveMs);
        }
      }
      const judged = enterMs.length + leaveMs.length + evidence.length;
      return barrierVerdict(
        input,
        "barrier-liveness",
        evidence,
        judged,
        `${enterMs.length} enters and ${leaveMs.length} leaves within ${o.boundMs} ms, ${excused} excused by faults`,
        {
          judged,
          excused,
          violations: evidence.length,
          ...summarize("enterMs", enterMs),
          ...summarize("leaveMs", leaveMs),
        },
        "no round free of faults",
      );
    },
  };
}
