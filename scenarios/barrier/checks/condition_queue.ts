import type { BuiltinChecker, CheckInput } from "../../../lib/checks/checker.ts";
import { nothingJudged } from "../../../lib/checks/checker.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import type { FaultWindow, Operation } from "../../../lib/history/event.ts";
import { KeyTimeline } from "../../../lib/history/key_log.ts";
import type { KeyLog, KeyState } from "../../../lib/history/key_log.ts";
import { disturbance } from "../../../lib/checks/disturbed.ts";
import { summarize } from "../../../lib/checks/stats.ts";

/** What a condition wait reports: the revision it started from, where it proceeded, and what it could not see. */
export interface WaitValue {
  start?: number;
  gaps?: { after: number; resumedAt: number }[];
}

/** Options of {@link conditionCheckers}. */
export interface ConditionOptions {
  /** Operation names: the waiters' wait, the participants' condition writes. */
  wait: string;
  set: string;
  /** Sub-prefix of the condition keys in the key log. */
  keys: string;
  /** Required value of each condition key (relative to `keys`). */
  required: Record<string, string>;
  /** How soon after the condition held a waiter must proceed, ms. */
  boundMs: number;
  /** How long fault effects may last after the fault healed, ms. */
  recoverMs: number;
  /** The key log in the final reads. */
  log(final: unknown): KeyLog | undefined;
}

/**
 * The "wait until all conditions hold" queue, judged against etcd's own
 * history of the condition keys:
 * - `condition-safety`: a waiter proceeds only at a revision where every
 *   required value held (a decision on keys it assumed, or on a state that
 *   never was, fails);
 * - `condition-first-revision`: it proceeds within the first spell (from its
 *   start) in which the condition held, so a state that held only briefly is
 *   not missed (revisions lost to a compaction the waiter reported are excused);
 * - `condition-liveness`: it proceeds within `boundMs` after the condition
 *   held, and does not crash or hang, unless a fault on it or the cluster
 *   could be the cause.
 */
export function conditionCheckers(o: ConditionOptions): BuiltinChecker[] {
  const holds = (s: KeyState) =>
    Object.entries(o.required).every(([k, v]) => s.get(o.keys + k)?.value === v);
  const describe = (s: KeyState | undefined) =>
    Object.fromEntries(
      Object.keys(o.required).map((k) => [k, s?.get(o.keys + k)?.value ?? null]),
    );
  const prepare = (input: CheckInput) => {
    const log = o.log(input.final);
    const timeline = log ? new KeyTimeline(log) : undefined;
    const waits = operations(input.history).filter((x) => x.f === o.wait);
    const windows = faultWindows(input.history);
    // When each revision was surely committed by: the completion of the write that made it.
    const committedBy = new Map<number, number>();
    for (const s of operations(input.history)) {
      if (s.f === o.set && s.outcome === "ok" && s.complete?.revision !== undefined) {
        committedBy.set(s.complete.revision, s.complete.time);
      }
    }
    return { timeline, waits, windows, committedBy };
  };
  const excusedByCompaction = (w: Operation, r: number, windows: readonly FaultWindow[]) => {
    const gaps = (w.complete?.value as WaitValue | undefined)?.gaps ?? [];
    return gaps.some((g) =>
      r > g.after && r <= g.resumedAt &&
      windows.some((f) => f.fault === "compact" && Number(f.detail?.revision) > g.after)
    );
  };
  const noLog = {
    valid: "unknown" as const,
    judged: 0,
    summary: "no key log in the final reads to judge by",
  };

  const safety: BuiltinChecker = {
    name: "condition-safety",
    description: "a waiter proceeds only at a revision where every required value held",
    check(input) {
      const { timeline, waits } = prepare(input);
      if (!timeline) return noLog;
      const evidence = [];
      let judged = 0;
      for (const w of waits) {
        if (w.outcome !== "ok") continue;
        const r = w.complete!.revision;
        if (r === undefined || !timeline.covers(r)) continue;
        judged++;
        const state = timeline.at(r)!;
        const start = (w.complete!.value as WaitValue | undefined)?.start;
        if (!holds(state) || (start !== undefined && r < start)) {
          evidence.push({
            violation: holds(state)
              ? "proceeded on a revision before its start"
              : "proceeded on a state where the condition did not hold",
            node: w.node,
            incarnation: w.incarnation,
            revision: r,
            start,
            state: describe(state),
            required: o.required,
            events: [w.invoke, w.complete],
          });
        }
      }
      const figures = { judged, violations: evidence.length };
      if (evidence.length > 0) {
        return {
          valid: false,
          judged,
          summary:
            `${evidence.length} of ${judged} proceeds on a state where the condition did not hold`,
          evidence,
          figures,
        };
      }
      if (judged === 0) {
        return { valid: "unknown", judged, summary: "no proceed to judge", figures };
      }
      return {
        valid: true,
        judged,
        summary: `${judged} proceeds, each where the condition held`,
        figures,
      };
    },
  };

  const first: BuiltinChecker = {
    name: "condition-first-revision",
    description:
      "a waiter proceeds within the first spell, from its start, in which the condition held (no transient state missed)",
    check(input) {
      const { timeline, waits, windows } = prepare(input);
      if (!timeline) return noLog;
      const evidence = [];
      let judged = 0;
      for (const w of waits) {
        if (w.outcome !== "ok") continue;
        const r = w.complete!.revision;
        const start = (w.complete!.value as WaitValue | undefined)?.start;
        if (r === undefined || start === undefined || !timeline.covers(r)) continue;
        judged++;
        // The first spell in which the condition held from the start on must still be going
        // on where the waiter proceeded; a spell that ended before it looked was missed.
        const firstHeld = timeline.holding(start, r, holds)[0];
        if (firstHeld === undefined || firstHeld === r) continue;
        let broke: number | undefined;
        for (let i = timeline.indexAt(firstHeld); timeline.revisions[i] <= r; i++) {
          if (!holds(timeline.states[i])) {
            broke = timeline.revisions[i];
            break;
          }
        }
        if (broke === undefined || excusedByCompaction(w, firstHeld, windows)) continue;
        evidence.push({
          violation: "missed a state where the condition held",
          node: w.node,
          incarnation: w.incarnation,
          start,
          heldFrom: firstHeld,
          heldUntil: broke - 1,
          proceededAt: r,
          events: [w.invoke, w.complete],
        });
      }
      const figures = { judged, missed: evidence.length };
      if (evidence.length > 0) {
        return {
          valid: false,
          judged,
          summary:
            `${evidence.length} of ${judged} waits missed a state where the condition held (first at revision ${
              (evidence[0] as { heldFrom: number }).heldFrom
            })`,
          evidence,
          figures,
        };
      }
      if (judged === 0) {
        return { valid: "unknown", judged, summary: "no proceed to judge", figures };
      }
      return {
        valid: true,
        judged,
        summary: `${judged} waits, each proceeded while the condition first held`,
        figures,
      };
    },
  };

  const liveness: BuiltinChecker = {
    name: "condition-liveness",
    description:
      "every waiter proceeds within the bound after the condition held, and none crashes or hangs",
    check(input) {
      const { timeline, waits, windows, committedBy } = prepare(input);
      if (!timeline) return noLog;
      const evidence = [];
      const latencies: number[] = [];
      let excused = 0;
      const disturbed = (w: Operation, from: number, to: number) =>
        disturbance(windows, from, to, { nodes: new Set([w.node]), recoverMs: o.recoverMs });
      for (const w of waits) {
        const end = w.complete?.time ?? Infinity;
        if (w.outcome === "info") {
          // Threw (or the node died): a crash unless a fault explains it.
          if (disturbed(w, w.invoke.time, w.complete?.time ?? w.invoke.time)) {
            excused++;
            continue;
          }
          evidence.push({
            violation: "wait crashed",
            node: w.node,
            incarnation: w.incarnation,
            error: w.complete?.error,
            events: [w.invoke, w.complete],
          });
          continue;
        }
        const start = (w.complete?.value as WaitValue | undefined)?.start;
        if (start === undefined || !timeline.covers(start)) continue;
        // When the condition first held from the start on, and when that was surely committed.
        const firstHeld = timeline.holding(start, timeline.to, holds)[0];
        if (firstHeld === undefined) continue;
        const heldBy = firstHeld === start ? w.invoke.time : committedBy.get(firstHeld);
        if (heldBy === undefined) continue;
        const due = Math.max(heldBy, w.invoke.time) + o.boundMs;
        if (w.outcome === "ok" && end <= due) {
          latencies.push(Math.max(0, end - Math.max(heldBy, w.invoke.time)));
          continue;
        }
        if (w.outcome === "fail" && end <= due) continue; // stopped before it was due
        if (disturbed(w, Math.max(heldBy, w.invoke.time), Math.min(end, due + 1))) {
          excused++;
          continue;
        }
        evidence.push({
          violation: w.outcome === "ok" ? "proceeded late" : "never proceeded",
          node: w.node,
          incarnation: w.incarnation,
          heldAt: firstHeld,
          heldBy: Math.round(heldBy),
          dueBy: Math.round(due),
          proceededAt: w.outcome === "ok" ? Math.round(end) : null,
          lateMs: Number.isFinite(end) ? Math.round(end - due) : null,
          events: [w.invoke, w.complete],
        });
      }
      const judged = latencies.length + evidence.length;
      const figures: Record<string, number | null> = {
        judged,
        excused,
        violations: evidence.length,
        ...summarize("proceedMs", latencies),
      };
      if (evidence.length > 0) {
        const kinds = [...new Set(evidence.map((e) => e.violation))].join(", ");
        return {
          valid: false,
          judged,
          summary: `${evidence.length} wait(s) failed: ${kinds} (bound ${o.boundMs} ms)`,
          evidence,
          figures,
        };
      }
      if (judged === 0) {
        return nothingJudged(input, { why: "no wait free of faults to judge", figures });
      }
      return {
        valid: true,
        judged,
        summary:
          `${latencies.length} waits proceeded within ${o.boundMs} ms (max ${figures.proceedMs_max} ms), ${excused} excused by faults`,
        figures,
      };
    },
  };
  return [safety, first, liveness];
}
