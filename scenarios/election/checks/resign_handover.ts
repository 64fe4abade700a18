/** `resign-handover`: after a resign, a waiting candidate leads within the bound. */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { disturbance } from "../../../lib/checks/disturbed.ts";
import { summarize } from "../../../lib/checks/stats.ts";
import { leadershipVerdict, prepareLeadership } from "./leadership_view.ts";
import type { LeadershipOptions } from "./leadership_view.ts";

/** The check; see the module comment. */
export function resignHandoverChecker(o: LeadershipOptions): BuiltinChecker {
  return {
    name: "resign-handover",
    description: "after a resign, a waiting candidate leads at once (within the bound)",
    check(input) {
      const { ops, windows } = prepareLeadership(o, input);
      const candidates = new Set(ops.filter((x) => x.f === o.campaign).map((x) => x.node));
      const campaigns = ops.filter((x) => x.f === o.campaign);
      const evidence: { violation: string }[] = [];
      const latencies: number[] = [];
      const end = input.history.reduce((m, e) => Math.max(m, e.time), 0);
      for (const r of ops) {
        if (r.f !== o.resign || r.outcome !== "ok") continue;
        const t = r.complete!.time;
        const waiting = campaigns.some((c) =>
          c.node !== r.node && c.invoke.time < r.invoke.time && (c.complete?.time ?? Infinity) > t
        );
        if (!waiting) continue;
        const due = t + o.handoverMs;
        if (due > end) continue;
        const next = campaigns.filter((c) =>
          c.outcome === "ok" && c.node !== r.node && c.complete!.time >= r.invoke.time
        ).sort((a, b) =>
          a.complete!.time - b.complete!.time
        )[0];
        const took = next ? next.complete!.time - t : Infinity;
        if (took <= o.handoverMs) {
          latencies.push(Math.max(0, took));
          continue;
        }
        if (
          disturbance(windows, r.invoke.time, Math.min(t + took, due + 1), {
            nodes: candidates,
            recoverMs: o.recoverMs,
          })
        ) continue;
        evidence.push({
          violation: "no hand-over at resign",
          node: r.node,
          resignedAt: Math.round(t),
          nextLeader: next ? { node: next.node, at: Math.round(next.complete!.time) } : null,
          tookMs: Number.isFinite(took) ? Math.round(took) : null,
          boundMs: o.handoverMs,
          events: [r.invoke, r.complete, next?.complete].filter(Boolean),
        } as { violation: string });
      }
      return leadershipVerdict(
        input,
        evidence,
        latencies.length + evidence.length,
        `${latencies.length} hand-overs at resign, max ${summarize("h", latencies).h_max} ms`,
        { judged: latencies.length + evidence.length, ...summarize("handoverMs", latencies) },
        "no resign with a candidate waiting and no fault near it",
      );
    },
  };
}
