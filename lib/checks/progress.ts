import type { BuiltinChecker, Checker, JudgedResult } from "./checker.ts";
import { nothingJudged } from "./checker.ts";
import type { HistoryEvent } from "../history/event.ts";
import { quietWindows, settleMs } from "./quiet_windows.ts";
import type { QuietWindow } from "./quiet_windows.ts";
import { waitsOf } from "./progress_waits.ts";
import type { ProgressSpec, Wait } from "./progress_waits.ts";
import { STALL_ALLOWANCE } from "./deadline.ts";
import { slowestProbeMs } from "./stall.ts";

export type { ProgressSpec } from "./progress_waits.ts";

/** How many TTLs of quiet time a node may wait for a main operation: also a quiet window's shortest length. */
export const PROGRESS_TTLS = 3;

/** One quiet window in which nodes waited too long. */
interface Stop {
  window: QuietWindow;
  kind: "starved" | "stalled";
  waits: Wait[];
}

/**
 * Liveness in the quiet: in every span of the workload at least 3 × TTL
 * long with no fault active (each fault counted until TTL + 3 s after it
 * healed; the span after the last one until the workload ends included),
 * every node waiting for one of the scenario's main operations
 * (`Scenario.progress`) gets one completed within 3 × TTL of quiet time,
 * and the operations do not all stop while nodes wait (for a contended
 * operation, such as a lock's grant, only the latter: see
 * `ProgressSpec.contended`). A subject that
 * deadlocks is a violation naming the window and the nodes, not "not
 * exercised". A scenario that declares no main operations is judged on all
 * of its operations: a node that invokes one and hears nothing for 3 × TTL
 * of quiet time has stopped.
 */
export function progressChecker(spec?: ProgressSpec): BuiltinChecker {
  const opsText = spec ? spec.ops.join(" / ") : "any operation";
  return {
    name: "progress",
    description:
      `in every quiet window (≥ ${PROGRESS_TTLS} × TTL free of faults, each until TTL + 3 s after it healed) ${
        spec?.contended ? "some waiting node's" : "every waiting node's"
      } ${opsText} completes within ${PROGRESS_TTLS} × TTL`,
    check(input) {
      const { history, ttlMs } = input;
      const boundMs = PROGRESS_TTLS * ttlMs;
      const windows = quietWindows(history, { settleMs: settleMs(ttlMs), minMs: boundMs });
      const figures: Record<string, number | null> = { quietWindows: windows.length, boundMs };
      if (windows.length === 0) {
        return {
          valid: "unknown",
          applies: false,
          judged: 0,
          summary: `does not apply: no span of the workload ${PROGRESS_TTLS} × TTL (${
            boundMs / 1000
          } s) long free of faults (each counted until ${
            settleMs(ttlMs) / 1000
          } s after it healed): a run with fewer or shorter faults, or a longer one, has one`,
          figures,
        };
      }
      const { waits, progress } = waitsOf(history, spec ?? { ops: allOps(history) });
      const stops: Stop[] = [];
      let judged = 0, excused = 0, longest = 0;
      for (const w of windows) {
        const inside = waits.filter((x) => x.start <= w.end && x.end >= w.start);
        judged += new Set(inside.map((x) => x.node)).size;
        const late: Wait[] = [];
        for (const x of inside) {
          const from = Math.max(x.start, w.start), to = Math.min(x.end, w.end);
          longest = Math.max(longest, to - from);
          if (to - from < boundMs || spec?.contended) continue;
          const probe = slowestProbeMs(history, from, to) ?? 0;
          if (!x.open && to - from <= boundMs + STALL_ALLOWANCE * probe) excused++;
          else late.push(x);
        }
        if (late.length > 0) stops.push({ window: w, kind: "starved", waits: late });
        else {
          const stalled = stall(w, inside, progress, boundMs);
          if (stalled.length > 0) stops.push({ window: w, kind: "stalled", waits: stalled });
        }
      }
      Object.assign(figures, { judged, excused, longestQuietWaitMs: Math.round(longest) });
      if (stops.length > 0) return violation(stops, { opsText, boundMs, judged, figures });
      if (judged === 0) {
        return nothingJudged(input, {
          why: `nobody waited for ${opsText} in the ${windows.length} quiet window(s) (${
            windows.map(span).join(", ")
          })`,
          figures,
        });
      }
      return {
        valid: true,
        judged,
        summary: `in ${windows.length} quiet window(s) ${
          spec?.contended
            ? `${opsText} kept completing while nodes waited, never ${boundMs / 1000} s without one`
            : `every waiting node's ${opsText} completed within ${boundMs / 1000} s`
        } (${judged} node-window(s) judged; longest quiet wait ${Math.round(longest)} ms${
          spec?.contended && longest >= boundMs
            ? `: a node starved while the others' ${opsText} completed, unfair but not stopped`
            : ""
        })${
          excused > 0 ? `; ${excused} longer wait(s) excused by the cluster's own slowness` : ""
        }`,
        figures,
      };
    },
  };
}

/** The progress check with the scenario's main operations: every scenario, a plugin's too, gets it. */
export function withProgress(
  checkers: readonly Checker[],
  spec: ProgressSpec | undefined,
): Checker[] {
  if (checkers.some((c) => c.name === "progress")) return [...checkers];
  return [...checkers, progressChecker(spec)];
}

/**
 * The waits of a window in which, for at least `boundMs` after some node
 * began waiting, no main operation completed ok and a node was still (or
 * again) waiting at its end: the subject as a whole stopped, even where
 * each node's waits were short (cut by restarts, given up).
 */
function stall(w: QuietWindow, waits: Wait[], progress: number[], boundMs: number): Wait[] {
  const marks = [w.start, ...progress.filter((t) => t > w.start && t < w.end), w.end];
  for (let i = 1; i < marks.length; i++) {
    const from = marks[i - 1], to = marks[i];
    if (to - from < boundMs) continue;
    const inGap = waits.filter((x) => x.start < to && x.end > from);
    if (inGap.length === 0) continue;
    const due = Math.min(...inGap.map((x) => Math.max(x.start, from))) + boundMs;
    if (due <= to && inGap.some((x) => x.end >= due)) return inGap;
  }
  return [];
}

function violation(
  stops: Stop[],
  o: { opsText: string; boundMs: number; judged: number; figures: Record<string, number | null> },
): JudgedResult {
  const first = stops[0];
  const nodes = [...new Set(first.waits.map((x) => x.node))];
  const how = first.kind === "starved"
    ? `${nodes.join(", ")} waited ≥ ${o.boundMs / 1000} s for ${o.opsText} without one completing`
    : `no ${o.opsText} completed for ≥ ${o.boundMs / 1000} s while ${nodes.join(", ")} waited`;
  return {
    valid: false,
    judged: Math.max(o.judged, 1),
    summary: `stopped in ${stops.length} quiet window(s): in ${span(first.window)} ${how}${
      stops.length > 1 ? ` (and ${stops.length - 1} more window(s))` : ""
    }`,
    evidence: stops.map((s) => ({
      window: { startMs: Math.round(s.window.start), endMs: Math.round(s.window.end) },
      kind: s.kind,
      ops: o.opsText,
      boundMs: o.boundMs,
      nodes: [...new Set(s.waits.map((x) => x.node))],
      waits: s.waits.map((x) => ({
        node: x.node,
        incarnation: x.incarnation,
        waitingSinceMs: Math.round(x.start),
        untilMs: x.open ? null : Math.round(x.end),
        quietWaitMs: Math.round(Math.min(x.end, s.window.end) - Math.max(x.start, s.window.start)),
        cause: x.cause,
      })),
    })),
    figures: o.figures,
  };
}

const span = (w: QuietWindow) => `${(w.start / 1000).toFixed(1)}–${(w.end / 1000).toFixed(1)} s`;

/** Every operation name of the history: the main operations of a scenario that names none. */
function allOps(history: readonly HistoryEvent[]): string[] {
  return [...new Set(history.flatMap((e) => e.kind === "op" ? [e.f] : []))];
}
