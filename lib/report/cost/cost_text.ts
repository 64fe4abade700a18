/**
 * What each fault cost, as the console shows it: one line per fault window
 * and one for the run outside every window, columns aligned.
 */
import type { FaultCost, Gap, WindowCost } from "./fault_cost.ts";

/** A duration as a person reads it: `850 ms`, `3.4 s`; `—` when not measured. */
export function msText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** A gap: its length, `+` when no success ended it before the run's end. */
export function gapText(g: Gap | null): string {
  return g === null ? "—" : `${msText(g.ms)}${g.open ? "+" : ""}`;
}

/** The error rate with its counts: `12% (3/25)`. */
export function errorText(w: WindowCost): string {
  if (w.errorRate === null) return "—";
  return `${Math.round(w.errorRate * 1000) / 10}% (${w.errors}/${w.requests})`;
}

/** A latency figure inside against outside: `900/12 ms`. */
export function inOutText(inside: number | null, outside: number | null): string {
  const n = (v: number | null) => (v === null ? "—" : String(Math.round(v)));
  return `${n(inside)}/${n(outside)} ms`;
}

/** Recovery: the slowest node's time and which node, or the nodes that never recovered. */
export function recoveryText(w: WindowCost): string {
  const r = w.recovery;
  if (!r) return "—";
  if (r.unrecovered.length > 0) {
    return `never (${r.unrecovered.join(",")})${r.intoNextFault ? "*" : ""}`;
  }
  if (r.maxMs === null) return "—";
  const slowest = Object.entries(r.perNode).find(([, v]) => v === r.maxMs)?.[0];
  const text = r.maxMs > 0 && slowest ? `${msText(r.maxMs)} (${slowest})` : msText(r.maxMs);
  return r.intoNextFault ? `${text}*` : text;
}

/** The window's name: `kill-leader#3 m1` or `outside faults`. */
export function windowLabel(w: WindowCost): string {
  return w.kind === "baseline" ? "outside faults" : `${w.fault}#${w.id} ${w.targets.join(",")}`;
}

/** The console lines: a heading, then a table with one row per window and the baseline last. */
export function faultCostLines(cost: FaultCost): string[] {
  const out = cost.baseline;
  const row = (w: WindowCost) => [
    windowLabel(w),
    w.kind === "baseline"
      ? `${msText(w.durationMs)}`
      : `${(w.start / 1000).toFixed(1)}+${msText(w.durationMs)}`,
    gapText(w.writeGap),
    gapText(w.readGap),
    errorText(w),
    inOutText(w.latency.p50, out.latency.p50),
    inOutText(w.latency.p99, out.latency.p99),
    recoveryText(w),
    w.leaderChanges === null ? "—" : String(w.leaderChanges.count),
  ];
  return [
    "what each fault cost (p50/p99: inside the window / outside every window; +: no success " +
    "before the end; *: recovery ran into the next fault)",
    ...aligned(
      [
        "window",
        "at s+duration",
        "write-gap",
        "read-gap",
        "errors",
        "p50 in/out",
        "p99 in/out",
        "recovery",
        "elections",
      ],
      [...cost.windows.map(row), row(out)],
    ),
  ];
}

/** Rows with columns padded to their widest cell, under a header and a rule. */
function aligned(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}
