import type { FaultWindow, HistoryEvent, NodeEvent, Operation } from "../history/event.ts";
import type { Violation } from "./evidence.ts";
import { operationKey } from "./evidence.ts";

/** Options of {@link timelineSvg}. */
export interface TimelineOptions {
  /** Operations drawn as bars in all lanes together; the rest are aggregated. */
  maxOpsDrawn?: number;
}

/** The timeline: a label column and the lanes (separate, so the labels stay put while the lanes scroll). */
export interface Timeline {
  labels: string;
  lanes: string;
  /** Operations drawn as individual bars, and in all. */
  drawn: number;
  total: number;
  /** Cap on bars per lane (when some lane had more). */
  perLaneCap: number;
  /** Colour of each fault kind (shared with the plots). */
  faultColors: Record<string, string>;
}

const FAULT_PALETTE = ["#4e79a7", "#b07aa1", "#76b7b2", "#9c755f", "#edc948", "#ff9da7", "#bab0ac"];
const BAR_H = 10;
const ROW_GAP = 3;
const LANE_TOP = 13; // room for incarnation labels and violation markers
const LANE_BOTTOM = 5;
const STRIP_H = 6;
const MAX_ROWS = 4;
const AXIS_H = 26;
const PHASE_H = 14;
const LABEL_ROW_H = 15;

/** Escapes text for HTML and SVG. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

const sec = (ms: number) => (ms / 1000).toFixed(3);
const f1 = (n: number) => (Math.round(n * 10) / 10).toString();

/** A DOM-safe id of an operation bar. */
export function opElementId(key: string): string {
  return "op-" + key.replace(/[^A-Za-z0-9_-]/g, "_");
}

interface Lane {
  node: string;
  role?: string;
  ops: Operation[];
  spawns: NodeEvent[];
  exits: NodeEvent[];
}

/**
 * The per-node timeline as SVG: one lane per node with operations as bars
 * from invoke to completion (coloured by outcome), spawn and exit markers
 * with incarnation numbers, fault windows shaded across the lanes with their
 * labels above, phases, and the operations that violations name outlined
 * and marked. Past `maxOpsDrawn` bars, each lane draws its marked, failed
 * and unknown operations first, then an even sample of the rest, and
 * aggregates what it left out into a density strip.
 */
export function timelineSvg(
  history: readonly HistoryEvent[],
  ops: readonly Operation[],
  windows: readonly FaultWindow[],
  violations: readonly Violation[],
  options: TimelineOptions = {},
): Timeline {
  const end = Math.max(1, ...history.map((e) => e.time));
  const lanes = lanesOf(history, ops);
  const faultColors: Record<string, string> = {};
  for (const w of windows) {
    faultColors[w.fault] ??= FAULT_PALETTE[Object.keys(faultColors).length % FAULT_PALETTE.length];
  }
  const W = Math.round(Math.min(8000, Math.max(1180, (end / 1000) * 50)));
  const PAD_R = 16;
  const x = (t: number) => (Math.max(0, Math.min(end, t)) / end) * (W - PAD_R - 4) + 4;

  // Which violations mark which operations, spans, points, fault windows.
  const opMarks = new Map<string, Violation[]>();
  const faultMarks = new Map<number, Violation[]>();
  for (const v of violations) {
    for (const k of v.marks.ops) opMarks.set(k, [...(opMarks.get(k) ?? []), v]);
    for (const id of v.marks.faults) faultMarks.set(id, [...(faultMarks.get(id) ?? []), v]);
  }

  // Fault labels, packed into rows so they don't overlap.
  const labelRows: number[] = [];
  const labels = windows.map((w) => {
    const text = `${w.fault}${w.targets.length ? " → " + w.targets.join(",") : ""}`;
    const x0 = x(w.start);
    const width = text.length * 6.2 + 14;
    let row = labelRows.findIndex((r) => r <= x0);
    if (row < 0) {
      row = labelRows.length;
      labelRows.push(0);
    }
    labelRows[row] = x0 + width + 4;
    return { w, text, row };
  });
  const lanesTop = PHASE_H + labelRows.length * LABEL_ROW_H + 4;

  const maxOpsDrawn = options.maxOpsDrawn ?? 6000;
  const perLaneCap = Math.max(150, Math.floor(maxOpsDrawn / Math.max(1, lanes.length)));
  let drawn = 0;
  let y = lanesTop;
  const laneOut: string[] = [];
  const labelOut: string[] = [];
  const laneBoxes: { node: string; top: number; bottom: number }[] = [];
  lanes.forEach((lane, li) => {
    const exitsByInc = new Map(lane.exits.map((e) => [e.incarnation, e.time]));
    const endOf = (o: Operation) => o.complete?.time ?? exitsByInc.get(o.incarnation) ?? end;
    const chosen = chooseOps(lane.ops, perLaneCap, opMarks);
    drawn += chosen.size;
    // Greedy rows for concurrent operations.
    const rowEnds: number[] = [];
    const rowOf = new Map<Operation, number>();
    for (const o of lane.ops) {
      if (!chosen.has(o)) continue;
      let row = rowEnds.findIndex((e) => e <= o.invoke.time);
      if (row < 0 && rowEnds.length < MAX_ROWS) row = rowEnds.push(0) - 1;
      if (row < 0) row = rowEnds.indexOf(Math.min(...rowEnds));
      rowEnds[row] = Math.max(rowEnds[row], endOf(o));
      rowOf.set(o, row);
    }
    const rows = Math.max(1, rowEnds.length);
    const aggregated = lane.ops.length > chosen.size;
    const h = LANE_TOP + rows * (BAR_H + ROW_GAP) + (aggregated ? STRIP_H + 3 : 0) + LANE_BOTTOM;
    const top = y;
    laneBoxes.push({ node: lane.node, top, bottom: top + h });
    const g: string[] = [];
    g.push(
      `<rect class="lane-bg" x="0" y="${top}" width="${W}" height="${h}" fill="${
        li % 2 ? "#f6f7f9" : "#ffffff"
      }"/>`,
    );
    // Down time: from an exit to the next spawn (or the end).
    for (const ex of lane.exits) {
      const next = lane.spawns.find((s) => s.time >= ex.time && s.incarnation > ex.incarnation);
      const until = next?.time ?? end;
      if (until - ex.time <= 0) continue;
      g.push(
        `<rect class="down" x="${x(ex.time)}" y="${top + 1}" width="${
          Math.max(1, x(until) - x(ex.time))
        }" height="${h - 2}" fill="url(#hatch)"><title>${esc(lane.node)} #${ex.incarnation} down ${
          sec(ex.time)
        }–${sec(until)} s</title></rect>`,
      );
    }
    for (const o of lane.ops) {
      if (!chosen.has(o)) continue;
      const row = rowOf.get(o)!;
      const key = operationKey(o);
      const x0 = x(o.invoke.time);
      const x1 = x(endOf(o));
      const by = top + LANE_TOP + row * (BAR_H + ROW_GAP);
      const marks = opMarks.get(key);
      const open = o.complete === undefined;
      const dur = endOf(o) - o.invoke.time;
      const title = `${o.node} #${o.incarnation} op ${o.invoke.op} ${o.f}: ${o.outcome}${
        open ? " (never completed)" : ""
      }, ${sec(o.invoke.time)}–${sec(endOf(o))} s (${f1(dur)} ms)${
        o.complete?.revision !== undefined ? ", rev " + o.complete.revision : ""
      }${o.complete?.error ? ", " + o.complete.error : ""}${
        marks ? "\nviolation: " + marks.map((v) => `${v.id} ${v.label}`).join("; ") : ""
      }`;
      g.push(
        `<rect id="${opElementId(key)}" class="op op-${o.outcome}${open ? " open" : ""}${
          marks ? " marked" : ""
        }"${marks ? ` data-v="${marks.map((v) => v.id).join(" ")}"` : ""} x="${
          f1(x0)
        }" y="${by}" width="${f1(Math.max(1.5, x1 - x0))}" height="${BAR_H}"><title>${
          esc(title)
        }</title></rect>`,
      );
      if (marks) {
        const cx = (x0 + Math.max(x0 + 1.5, x1)) / 2;
        g.push(
          `<path class="violation-marker" data-v="${marks.map((v) => v.id).join(" ")}" d="M${
            f1(cx - 5)
          } ${by - 9}h10l-5 7z"><title>${
            esc(marks.map((v) => `${v.id}: ${v.label}`).join("\n"))
          }</title></path>`,
        );
      }
    }
    if (aggregated) g.push(densityStrip(lane.ops, chosen, x, top + h - LANE_BOTTOM - STRIP_H));
    // Spans and instants a violation names on this lane.
    for (const v of violations) {
      for (const s of v.marks.spans) {
        if (s.node !== lane.node) continue;
        g.push(
          `<rect class="violation-span${v.decides ? "" : " reported"}" data-v="${v.id}" x="${
            x(s.start)
          }" y="${top + 2}" width="${Math.max(2, x(s.end) - x(s.start))}" height="${
            h - 4
          }"><title>${esc(`${v.id}: ${v.label} (${v.check})`)} ${sec(s.start)}–${
            sec(s.end)
          } s</title></rect>`,
        );
      }
      for (const p of v.marks.points) {
        if (p.node !== lane.node) continue;
        g.push(
          `<path class="violation-marker point" data-v="${v.id}" d="M${f1(x(p.time) - 5)} ${
            top + 1
          }h10l-5 7z"><title>${esc(`${v.id}: ${v.label}`)} at ${sec(p.time)} s</title></path>`,
        );
      }
    }
    // Incarnations: a line at each spawn (labelled) and exit.
    for (const s of lane.spawns) {
      g.push(
        `<g class="incarnation-marker spawn"><line x1="${x(s.time)}" x2="${
          x(s.time)
        }" y1="${top}" y2="${top + h}"/><text x="${x(s.time) + 2}" y="${
          top + 9
        }">#${s.incarnation}</text><title>${
          esc(lane.node)
        } incarnation ${s.incarnation} spawned at ${sec(s.time)} s</title></g>`,
      );
    }
    for (const e of lane.exits) {
      const how = e.signal ? `signal ${e.signal}` : `exit code ${e.exitCode ?? "?"}`;
      g.push(
        `<g class="incarnation-marker exit"><line x1="${x(e.time)}" x2="${
          x(e.time)
        }" y1="${top}" y2="${top + h}"/><title>${
          esc(lane.node)
        } incarnation ${e.incarnation} exited at ${sec(e.time)} s (${esc(how)})</title></g>`,
      );
    }
    laneOut.push(
      `<g class="lane" data-node="${esc(lane.node)}" id="lane-${
        esc(opElementId(lane.node).slice(3))
      }">${g.join("")}</g>`,
    );
    const incs = new Set(lane.spawns.map((s) => s.incarnation)).size;
    labelOut.push(
      `<g class="lane-label"><text x="6" y="${top + h / 2 - 1}" class="node-id">${
        esc(lane.node)
      }</text><text x="6" y="${top + h / 2 + 11}" class="node-role">${
        esc([lane.role, incs > 1 ? `${incs} incarnations` : ""].filter(Boolean).join(", "))
      }</text></g>`,
    );
    y += h;
  });
  const lanesBottom = y;
  const H = lanesBottom + AXIS_H;

  // Fault bands across all lanes, stronger on the lanes they target.
  const bands = labels.map(({ w, text, row }) => {
    const color = faultColors[w.fault];
    const x0 = x(w.start);
    const bw = Math.max(2, x(w.stop) - x0);
    const marks = faultMarks.get(w.id);
    const targeted = laneBoxes.filter((b) => w.targets.includes(b.node)).map((b) =>
      `<rect class="fault-target" x="${x0}" y="${b.top}" width="${bw}" height="${
        b.bottom - b.top
      }" fill="${color}" fill-opacity="0.22"/>`
    ).join("");
    const ly = PHASE_H + row * LABEL_ROW_H;
    const detail = w.detail ? " " + JSON.stringify(w.detail) : "";
    return `<g class="fault-band${marks ? " marked" : ""}" id="fault-${w.id}" data-fault="${
      esc(w.fault)
    }"${
      marks ? ` data-v="${marks.map((v) => v.id).join(" ")}"` : ""
    }><rect x="${x0}" y="${lanesTop}" width="${bw}" height="${
      lanesBottom - lanesTop
    }" fill="${color}" fill-opacity="0.13" stroke="${color}" stroke-opacity="0.7"/>${targeted}<rect x="${x0}" y="${
      ly + 1
    }" width="${Math.max(bw, 4)}" height="${
      LABEL_ROW_H - 3
    }" fill="${color}" fill-opacity="0.25"/><text class="fault-label" x="${x0 + 3}" y="${
      ly + 11
    }">${esc(text)}</text><title>${
      esc(`fault ${w.id}: ${text}, ${sec(w.start)}–${sec(w.stop)} s${detail}`)
    }</title></g>`;
  });

  // Phases: a dashed line at each start, named where the name fits.
  let phaseTextEnd = -Infinity;
  const phases = history.flatMap((p) => {
    if (p.kind !== "phase") return [];
    const px = x(p.time);
    const width = p.phase.length * 5.6 + 4;
    const fits = px + 2 >= phaseTextEnd && px + width <= W;
    if (fits) phaseTextEnd = px + 2 + width;
    return [
      `<g class="phase"><line x1="${px}" x2="${px}" y1="${PHASE_H - 3}" y2="${lanesBottom}"/>${
        fits ? `<text x="${px + 2}" y="${PHASE_H - 4}">${esc(p.phase)}</text>` : ""
      }<title>phase ${esc(p.phase)} from ${sec(p.time)} s</title></g>`,
    ];
  });

  const ticks = axisTicks(end, W).map((t) =>
    `<line x1="${x(t)}" x2="${x(t)}" y1="${lanesBottom}" y2="${lanesBottom + 5}"/><text x="${
      x(t)
    }" y="${lanesBottom + 17}" text-anchor="${t === 0 ? "start" : "middle"}">${
      trimNum(t / 1000)
    } s</text>`
  );

  const lanesSvg =
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eceff3"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c3c8d0" stroke-width="2"/></pattern></defs>
${laneOut.join("\n")}
${bands.join("\n")}
${phases.join("")}
<g class="axis"><line x1="0" x2="${W}" y1="${lanesBottom}" y2="${lanesBottom}"/>${
      ticks.join("")
    }</g>
</svg>`;
  const labelsSvg =
    `<svg class="timeline-labels" xmlns="http://www.w3.org/2000/svg" width="150" height="${H}"><text x="6" y="${
      PHASE_H - 4
    }" class="head">phase</text>${
      labelRows.length ? `<text x="6" y="${PHASE_H + 11}" class="head">faults</text>` : ""
    }${labelOut.join("")}</svg>`;
  return {
    labels: labelsSvg,
    lanes: lanesSvg,
    drawn,
    total: ops.length,
    perLaneCap: lanes.some((l) => l.ops.length > perLaneCap) ? perLaneCap : 0,
    faultColors,
  };
}

/** Lanes in node order (n1, n2, … n10), each with its operations and lifecycle events. */
function lanesOf(history: readonly HistoryEvent[], ops: readonly Operation[]): Lane[] {
  const lanes = new Map<string, Lane>();
  const lane = (node: string) => {
    let l = lanes.get(node);
    if (!l) lanes.set(node, l = { node, ops: [], spawns: [], exits: [] });
    return l;
  };
  for (const e of history) {
    if (e.kind !== "node") continue;
    const l = lane(e.node);
    if (e.type === "spawn") {
      l.spawns.push(e);
      l.role ??= e.role;
    } else if (e.type === "exit") l.exits.push(e);
  }
  for (const o of ops) lane(o.node).ops.push(o);
  return [...lanes.values()].sort((a, b) =>
    a.node.localeCompare(b.node, undefined, { numeric: true })
  );
}

/** The operations of a lane drawn as bars: marked, then failed or unknown, then an even sample. */
function chooseOps(
  ops: readonly Operation[],
  cap: number,
  marks: Map<string, unknown>,
): Set<Operation> {
  if (ops.length <= cap) return new Set(ops);
  const chosen = new Set<Operation>();
  for (const o of ops) if (chosen.size < cap && marks.has(operationKey(o))) chosen.add(o);
  for (const o of ops) if (chosen.size < cap && o.outcome !== "ok") chosen.add(o);
  const rest = ops.filter((o) => !chosen.has(o));
  const room = cap - chosen.size;
  for (let i = 0; i < room && rest.length > 0; i++) {
    chosen.add(rest[Math.floor((i * rest.length) / room)]);
  }
  return chosen;
}

/** What a lane left out, as 4-px bins shaded by count and coloured by the worst outcome. */
function densityStrip(
  ops: readonly Operation[],
  chosen: Set<Operation>,
  x: (t: number) => number,
  y: number,
): string {
  const bins = new Map<number, { ok: number; fail: number; info: number }>();
  for (const o of ops) {
    if (chosen.has(o)) continue;
    const b = Math.floor(x(o.invoke.time) / 4);
    const c = bins.get(b) ?? { ok: 0, fail: 0, info: 0 };
    c[o.outcome]++;
    bins.set(b, c);
  }
  const max = Math.max(1, ...[...bins.values()].map((c) => c.ok + c.fail + c.info));
  const out: string[] = [];
  for (const [b, c] of bins) {
    const n = c.ok + c.fail + c.info;
    const cls = c.info ? "op-info" : c.fail ? "op-fail" : "op-ok";
    out.push(
      `<rect class="agg ${cls}" x="${b * 4}" y="${y}" width="4" height="${STRIP_H}" fill-opacity="${
        (0.25 + 0.75 * n / max).toFixed(2)
      }"><title>${n} more operations here (ok ${c.ok}, fail ${c.fail}, info ${c.info})</title></rect>`,
    );
  }
  return `<g class="aggregate">${out.join("")}</g>`;
}

/** Tick times (ms) about 90 px apart at a round step. */
function axisTicks(end: number, width: number): number[] {
  const steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];
  const want = end / Math.max(1, width / 90);
  const step = steps.find((s) => s >= want) ?? 600_000;
  const ticks: number[] = [];
  for (let t = 0; t <= end; t += step) ticks.push(t);
  return ticks;
}

function trimNum(n: number): string {
  return String(Math.round(n * 10) / 10);
}
