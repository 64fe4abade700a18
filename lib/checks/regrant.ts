import type { BuiltinChecker } from "./checker.ts";
import { DeadlineTally } from "./deadline.ts";
import { faultWindows, operations } from "../history/event.ts";
import type { Operation } from "../history/event.ts";
import { holdIntervals } from "./holds.ts";

/** Faults after which a holder can no longer act: kill, or pause / cut past the TTL, or its lease revoked. */
const DISABLING = new Set(["kill-node", "pause-node", "partition-node", "kill-lease"]);

/**
 * Liveness: after a fault disables the holder, some other node is granted
 * the lock within TTL + `slackMs`. Windows that other faults overlap are not
 * judged (the delay could be theirs).
 */
export function regrantChecker(
  opts: { acquire: string; release: string; slackMs?: number },
): BuiltinChecker {
  const slack = opts.slackMs ?? 1000;
  return {
    name: "liveness",
    exercise: { faults: [...DISABLING] },
    description:
      "after the holder is killed (or paused or cut off past the TTL) the lock is granted again within TTL + 1 s",
    check(input) {
      const { history, ttlMs } = input;
      const holdsByNode = Map.groupBy(holdIntervals(history, opts), (h) => h.node);
      const grants = operations(history).filter((o) => o.f === opts.acquire && o.outcome === "ok")
        .sort((a, b) => a.complete!.time - b.complete!.time);
      const windows = faultWindows(history);
      const end = history.reduce((m, e) => Math.max(m, e.time), 0);
      const tally = new DeadlineTally({ figure: "regrantMs", boundMs: ttlMs + slack, history });
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
        if (others.length > 0) {
          tally.skip();
          continue;
        }
        let next;
        for (let i = firstAfter(grants, w.start); i < grants.length && !next; i++) {
          const g = grants[i];
          if (g.node !== target || g.incarnation !== held.incarnation) next = g;
        }
        tally.judge(next ? next.complete!.time - w.start : undefined, {
          fault: w,
          holder: held,
          nextGrant: next ? { node: next.node, time: next.complete!.time } : null,
        }, w.start);
      }
      return tally.result(input, {
        exercisedBy: [...DISABLING],
        idle: "no fault disabled a holder in a window free of other faults",
        late: (n, text) => `${n} time(s) not granted again within TTL + ${slack} ms (${text})`,
        ok: (n, text) =>
          `granted again after ${n} disabled holder(s) within TTL + ${slack} ms: ${text}`,
      });
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
