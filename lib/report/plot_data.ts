import type { Operation, ProbeEvent } from "../history/event.ts";

/** The latency plot's series of the runner's probes (lib/runner/probe.ts). */
export const PROBE_SERIES = "cluster (runner's probe)";

/** Columns in uPlot's aligned layout: x values, then one column per series (null: no point). */
export interface PlotSeries {
  x: number[];
  series: { label: string; values: (number | null)[] }[];
}

/** Latency points (x: invoke time in s, y: duration in ms) by operation `f`, and what was left out. */
export interface LatencyData extends PlotSeries {
  /** Completed operations in all, and how many are plotted. */
  completed: number;
  plotted: number;
}

/**
 * Duration against invoke time, a series per operation `f`, and one of the
 * runner's probes (how long the cluster took to answer, against when it was
 * asked). Operations that never completed have no duration and are left
 * out. Past `maxPoints` the failed and unknown ones are kept and the rest
 * sampled evenly.
 */
export function latencyData(
  ops: readonly Operation[],
  maxPoints = 20_000,
  probes: readonly ProbeEvent[] = [],
): LatencyData {
  const done = ops.filter((o) => o.complete !== undefined);
  let keep = done;
  if (done.length > maxPoints) {
    const special = done.filter((o) => o.outcome !== "ok");
    const ok = done.filter((o) => o.outcome === "ok");
    const room = Math.max(0, maxPoints - special.length);
    const sample = Array.from(
      { length: Math.min(room, ok.length) },
      (_, i) => ok[Math.floor((i * ok.length) / room)],
    );
    keep = [...special.slice(0, maxPoints), ...sample];
  }
  const points = [
    ...keep.map((o) => ({ at: o.invoke.time, f: o.f, ms: o.complete!.time - o.invoke.time })),
    ...probes.map((p) => ({ at: p.time - p.latencyMs, f: PROBE_SERIES, ms: p.latencyMs })),
  ].sort((a, b) => a.at - b.at);
  const fs = [...new Set(keep.map((o) => o.f))].sort();
  if (probes.length > 0) fs.push(PROBE_SERIES);
  const x = points.map((p) => round3(p.at / 1000));
  const series = fs.map((f) => ({
    label: f,
    values: points.map((p) => p.f === f ? Math.max(0.01, round3(p.ms)) : null),
  }));
  return { x, series, completed: done.length, plotted: keep.length };
}

/** Completed ok operations per `binMs` (by completion time), in all and per `f`; x is the bin start in s. */
export function throughputData(ops: readonly Operation[], endMs: number, binMs = 1000): PlotSeries {
  const n = Math.max(1, Math.ceil(endMs / binMs));
  const ok = ops.filter((o) => o.outcome === "ok" && o.complete !== undefined);
  const fs = [...new Set(ok.map((o) => o.f))].sort();
  const total = new Array<number>(n).fill(0);
  const per = new Map(fs.map((f) => [f, new Array<number>(n).fill(0)]));
  for (const o of ok) {
    const b = Math.min(n - 1, Math.floor(o.complete!.time / binMs));
    total[b]++;
    per.get(o.f)![b]++;
  }
  const scale = 1000 / binMs;
  return {
    x: Array.from({ length: n }, (_, i) => (i * binMs) / 1000),
    series: [
      { label: "all ok", values: total.map((c) => c * scale) },
      ...(fs.length > 1 && fs.length <= 8
        ? fs.map((f) => ({ label: f, values: per.get(f)!.map((c) => c * scale) }))
        : []),
    ],
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
