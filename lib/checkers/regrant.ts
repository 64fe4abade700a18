import type { Checker } from "./checker.ts";
import { faultWindows, operations } from "../history/event.ts";
import type { Operation } from "../history/event.ts";
import { holdIntervals } from "./holds.ts";
import { summarize } from "./stats.ts";

/** Faults after which a holder can no longer act: kill, or pause / cut past the TTL, or its lease revoked. */
const DISABLING = new Set(["kill-node", "pause-node", "partition-node", "kill-lease"]);

/**
 * Liveness: after a fault disables the holder, some other node is granted
 * the lock within TTL + `slackMs`. Windows that other faults overlap are not
 * judged (the delay could be theirs).
 */
export function regrantChecker(
  opts: { acquire: string; release: string; slackMs?: number },
): Checker {
  const slack = opts.slackMs ?? 1000;
  return {
    name: "liveness",
    description:
      "after the holder is killed (or paused or cut off past the TTL) the lock is granted again within TTL + 1 s",
    check({ history, ttlMs }) {
      const holdsByNode = Map.groupBy(holdIntervals(history, opts), (h) => h.node);
      const grants = operations(history).filter((o) => o.f === opts.acquire && o.outcome === "ok")
        .sort((a, b) => a.complete!.time - b.complete!.time);
      const windows = faultWindows(history);
      const end = history.reduce((m, e) => Math.max(m, e.time), 0);
      const latencies: number[] = [];
      const late = [];
      for (const w of windows) {
        if (!DISABLING.has(w.fault)) continue;
        const lasting = w.fault === "kill-node" || w.fault === "kill-lease" ||
          w.stop - w.start > ttlMs;
        if (!lasting) continue;
        const target = w.targets[0];
        const held = holdsByNode.get(target)?.find((h) => h.start <= w.start && h.end >= w.start);
        if (!held) continue;
        const deadline = w.start + ttlMs + slack;
        if (deadline > end) continue;
        const others = windows.filter((x) =>
          x.id !== w.id && x.start < deadline && x.stop > w.start
        );
        if (others.length > 0) continue;
        let next;
        for (let i = firstAfter(grants, w.start); i < grants.length && !next; i++) {
          const g = grants[i];
          if (g.node !== target || g.incarnation !== held.incarnation) next = g;
        }
        const latency = next ? next.complete!.time - w.start : Infinity;
        if (Number.isFinite(latency)) latencies.push(latency);
        if (latency > ttlMs + slack) {
          late.push({
            fault: w,
            holder: held,
            nextGrant: next ? { node: next.node, time: next.complete!.time } : null,
            latencyMs: Number.isFinite(latency) ? Math.round(latency) : null,
            boundMs: ttlMs + slack,
          });
        }
      }
      const figures: Record<string, number | null> = {
        judged: latencies.length + late.filter((l) => l.latencyMs === null).length,
        ...summarize("regrantMs", latencies),
      };
      if (late.length > 0) {
        return {
          valid: false,
          summary: `${late.length} time(s) the lock was not granted again within TTL + ${slack} ms`,
          evidence: late,
          figures,
        };
      }
      return {
        valid: true,
        summary: !figures.judged
          ? "not exercised: no fault disabled a holder in a window free of other faults"
          : `re-granted after ${figures.judged} disabled holder(s), max ${figures.regrantMs_max} ms`,
        figures,
      };
    },
  };
}

/** Index of the first grant completed after `time` (grants sorted by completion time). */
function firstAfter(grants: readonly Operation[], time: number): number {
  let lo = 0, hi = grants.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (grants[mid].complete!.time > time) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
