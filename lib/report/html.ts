import type { RunResult } from "./result.ts";
import type { NamedResult } from "../checks/checker.ts";
import type { HistoryEvent, Operation, ProbeEvent } from "../history/event.ts";
import { faultWindows, operations } from "../history/event.ts";
import { judgedText, verdictText } from "./table.ts";
import { findViolations, operationKey } from "./evidence.ts";
import type { Violation } from "./evidence.ts";
import { esc, opElementId, timelineSvg } from "./timeline_svg.ts";
import { latencyData, PROBE_SERIES, throughputData } from "./plot_data.ts";
import { faultCostHtml } from "./cost/cost_html.ts";

/** Files the report inlines: uPlot's script and style sheet (plots are left out without them). */
export interface ReportAssets {
  uplotJs?: string;
  uplotCss?: string;
}

/** Caps that keep report.html small for large histories. */
export interface ReportOptions {
  /** Operation bars on the timeline, all lanes together (default 6000). */
  maxOpsDrawn?: number;
  /** Points on the latency plot (default 20000). */
  maxPlotPoints?: number;
  /** Evidence entries listed per failed check (default 200). */
  maxViolationsPerCheck?: number;
}

const OUTCOME_COLORS = { ok: "#59a14f", fail: "#e15759", info: "#f2b134" };
const SERIES_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f"];

/**
 * A self-contained HTML report of one run: the verdict table with each
 * check's figures, the violations linked to the operations that prove them,
 * a timeline per node with fault windows, and latency and throughput plots.
 * Pure: everything it shows comes from its arguments, and the page fetches
 * nothing (uPlot is inlined from `assets`).
 */
export function reportHtml(
  result: RunResult,
  history: readonly HistoryEvent[],
  assets: ReportAssets = {},
  options: ReportOptions = {},
): string {
  const ops = operations(history);
  const windows = faultWindows(history);
  const end = Math.max(1, ...history.map((e) => e.time));
  const { violations, omitted } = findViolations(
    result.checks,
    ops,
    options.maxViolationsPerCheck,
  );
  const timeline = timelineSvg(history, ops, windows, violations, {
    maxOpsDrawn: options.maxOpsDrawn,
  });
  const probes = history.filter((e): e is ProbeEvent => e.kind === "probe");
  const latency = latencyData(ops, options.maxPlotPoints, probes);
  const throughput = throughputData(ops, end);
  const plotData = {
    latency: { x: latency.x, series: latency.series },
    throughput,
    faults: windows.map((w) => ({
      start: w.start / 1000,
      stop: w.stop / 1000,
      label: w.fault,
      color: timeline.faultColors[w.fault],
    })),
    colors: SERIES_COLORS,
    endS: end / 1000,
  };
  const byKey = new Map(ops.map((o) => [operationKey(o), o]));
  const title = `${result.scenario} / ${result.subject}: ${verdictText(result.valid)}`;
  const timelineNote = timeline.perLaneCap
    ? `${timeline.drawn} of ${timeline.total} operations drawn as bars (at most ${timeline.perLaneCap} per lane: the ones violations name, failed and unknown ones first, then an even sample); the rest are aggregated in the shaded strip under each lane.`
    : `All ${timeline.total} operations drawn.`;
  const latencyNote = latency.plotted < latency.completed
    ? `${latency.plotted} of ${latency.completed} completed operations plotted (failed and unknown ones first, then an even sample).`
    : `${latency.completed} completed operations; ${
      ops.length - latency.completed
    } never completed and have no duration.` + (probes.length === 0
      ? ""
      : ` The ${PROBE_SERIES} series is how long the cluster took to answer the runner's own read, every 250 ms: a deadline check excuses a wait late by no more than twice its window's slowest.`);

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
${assets.uplotCss ? `<style>${styleText(assets.uplotCss)}</style>` : ""}
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(result.scenario)} <span class="sub">/ ${esc(result.subject)}</span> ${
    verdictBadge(result.valid, "overall")
  }</h1>
<dl class="facts">
${fact("scenario", result.scenario)}${fact("subject", result.subject)}${
    fact("cluster", `${result.cluster.members}-member ${result.cluster.kind}`)
  }${fact("seed", String(result.seed))}${fact("lease TTL", `${result.ttl} s`)}${
    fact("workload", `${result.durationMs / 1000} s`)
  }${fact("faults", result.faults.join(", ") || "none")}${
    fact(
      "fault plan",
      `${result.plan.length} planned${
        result.skippedFaults.length ? `, ${result.skippedFaults.length} found no target` : ""
      }`,
    )
  }${
    fact(
      "operations",
      `${result.stats.operations} (ok ${result.stats.ok}, fail ${result.stats.fail}, info ${result.stats.info})`,
    )
  }${
    result.errors?.length
      ? fact(
        "commonest errors",
        result.errors.map((e) => `${e.f} ${e.outcome} ×${e.count}: ${e.error}`).join(" · "),
      )
      : ""
  }${fact("started", result.startedAt)}${
    fact("elapsed", `${(result.elapsedMs / 1000).toFixed(1)} s`)
  }${fact("run directory", result.dir)}
</dl>
</header>
<main>
<section id="verdicts">
<h2>Checks</h2>
<table class="verdicts">
<thead><tr><th>check</th><th>verdict</th><th>judged</th><th>summary</th><th>figures</th></tr></thead>
<tbody>
${result.checks.map(checkRow).join("\n")}
</tbody>
</table>
</section>
<section id="violations">
<h2>Violations</h2>
${violationList(violations, omitted, byKey)}
</section>
${result.faultCost ? faultCostHtml(result.faultCost) : ""}
<section id="timeline-section">
<h2>Timeline</h2>
<p class="legend">${legend()}</p>
<p class="note">${
    esc(timelineNote)
  } Time in seconds since the run started; hover a bar for its details.</p>
<div class="timeline-wrap"><div class="timeline-labels-wrap">${timeline.labels}</div><div class="timeline-scroll">${timeline.lanes}</div></div>
</section>
<section id="plots">
<h2>Latency</h2>
<p class="note">Duration of each operation (ms, log scale) against its invoke time, by operation; fault windows shaded. ${
    esc(latencyNote)
  }</p>
<div id="latency-plot" class="plot"></div>
<h2>Throughput</h2>
<p class="note">Operations completed ok per second (by completion time); fault windows shaded.</p>
<div id="throughput-plot" class="plot"></div>
${
    assets.uplotJs
      ? ""
      : `<p class="note missing">Plots unavailable: uPlot was not found when this report was written (run <code>deno install</code> in the etcd-drills checkout).</p>`
  }
</section>
</main>
<script type="application/json" id="plot-data">${jsonForScript(plotData)}</script>
${assets.uplotJs ? `<script>${scriptText(assets.uplotJs)}</script>` : ""}
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

/** Where `report.html` goes, next to results.json. */
export function reportPath(dir: string): string {
  return `${dir}/report.html`;
}

/** Reads uPlot's dist script and style sheet from the installed npm package (empty when missing). */
export async function loadReportAssets(): Promise<ReportAssets> {
  const [uplotJs, uplotCss] = await Promise.all([
    readPackageFile("uplot/dist/uPlot.iife.min.js"),
    readPackageFile("uplot/dist/uPlot.min.css"),
  ]);
  return { uplotJs, uplotCss };
}

/** Writes `report.html` into a run directory, with uPlot inlined; returns its path. */
export async function writeReportHtml(
  dir: string,
  result: RunResult,
  history: readonly HistoryEvent[],
): Promise<string> {
  const path = reportPath(dir);
  await Deno.writeTextFile(path, reportHtml(result, history, await loadReportAssets()));
  return path;
}

/** A file of an npm package: through the import map, else the nearest node_modules above this module. */
async function readPackageFile(spec: string): Promise<string | undefined> {
  const candidates: URL[] = [];
  try {
    candidates.push(new URL(import.meta.resolve(spec)));
  } catch {
    // not in the import map: look in node_modules below
  }
  if (import.meta.url.startsWith("file:")) {
    for (let up = "./"; up.length < 30; up += "../") {
      candidates.push(new URL(`${up}node_modules/${spec}`, import.meta.url));
    }
  }
  for (const url of candidates) {
    if (url.protocol !== "file:") continue;
    try {
      return await Deno.readTextFile(url);
    } catch {
      // try the next place
    }
  }
  return undefined;
}

function fact(name: string, value: string): string {
  return `<div><dt>${esc(name)}</dt><dd>${esc(value)}</dd></div>`;
}

function verdictBadge(v: true | false | "unknown", extra = ""): string {
  const cls = v === true ? "valid" : v === false ? "invalid" : "unknown";
  return `<span class="verdict ${cls} ${extra}">${verdictText(v)}</span>`;
}

function checkRow(c: NamedResult): string {
  const figures = Object.entries(c.figures ?? {}).map(([k, v]) =>
    `<span class="figure"><span class="k">${esc(k)}</span> ${
      esc(v === null ? "—" : String(v))
    }</span>`
  ).join(" ");
  return `<tr class="check" data-check="${esc(c.name)}"><td>${esc(c.name)}${
    c.decides || c.applies === false
      ? ""
      : ` <span class="reported">(reported, not decisive)</span>`
  }</td><td>${
    c.applies === false ? `<span class="verdict na">n/a</span>` : verdictBadge(c.valid)
  }</td><td class="judged">${esc(judgedText(c))}</td><td>${
    esc(c.summary)
  }</td><td class="figures">${figures || "—"}</td></tr>`;
}

function violationList(
  violations: readonly Violation[],
  omitted: { check: string; count: number }[],
  byKey: Map<string, Operation>,
): string {
  if (violations.length === 0) return `<p class="none">No check found a violation.</p>`;
  const item = (v: Violation) => {
    const links = v.marks.ops.map((k) => {
      const o = byKey.get(k)!;
      const t = (ms: number) => (ms / 1000).toFixed(3);
      return `<a class="vlink" data-v="${v.id}" href="#${opElementId(k)}">${
        esc(o.node)
      } #${o.incarnation} ${esc(o.f)} ${o.outcome} ${t(o.invoke.time)}${
        o.complete ? "–" + t(o.complete.time) : ""
      } s</a>`;
    });
    for (const id of v.marks.faults) {
      links.push(`<a class="vlink" data-v="${v.id}" href="#fault-${id}">fault ${id}</a>`);
    }
    const spans = v.marks.spans.map((s) =>
      `${esc(s.node)}${s.incarnation !== undefined ? " #" + s.incarnation : ""} ${
        (s.start / 1000).toFixed(3)
      }–${(s.end / 1000).toFixed(3)} s`
    );
    const onTimeline = links.length + v.marks.spans.length + v.marks.points.length > 0;
    const json = v.entry === undefined ? "" : JSON.stringify(v.entry, null, 1);
    return `<li id="${v.id}" class="violation${
      v.decides ? "" : " reported"
    }"><span class="vid">${v.id}</span> <b>${esc(v.label)}</b> <span class="vcheck">(${
      esc(v.check)
    }${v.decides ? "" : ", reported"})</span>${links.length ? ` — ${links.join(", ")}` : ""}${
      spans.length ? ` <span class="spans">held ${spans.join("; ")}</span>` : ""
    }${
      onTimeline
        ? ` <a class="vshow" data-v="${v.id}" href="#timeline-section">show on timeline</a>`
        : ""
    }${
      json
        ? `<details><summary>evidence</summary><pre>${
          esc(json.length > 2000 ? json.slice(0, 2000) + "\n… (cut; see results.json)" : json)
        }</pre></details>`
        : ""
    }</li>`;
  };
  // One collapsible group per check; the deciding ones open, each list scrolls past a few lines.
  const checks = [...new Set(violations.map((v) => v.check))];
  return checks.map((check) => {
    const own = violations.filter((v) => v.check === check);
    const more = omitted.find((o) => o.check === check);
    const decides = own[0].decides;
    return `<details class="check-violations" data-check="${esc(check)}"${
      decides ? " open" : ""
    }><summary><b>${esc(check)}</b>: ${own.length}${
      more ? ` (+${more.count} in results.json)` : ""
    } ${own.length === 1 ? "violation" : "violations"}${
      decides ? "" : " (reported, not decisive)"
    }</summary><ol class="violations">${own.map(item).join("\n")}</ol></details>`;
  }).join("\n");
}

function legend(): string {
  const sw = (cls: string, text: string) =>
    `<span class="sw"><svg width="22" height="11"><rect class="${cls}" x="1" y="1" width="20" height="9"/></svg>${text}</span>`;
  return [
    sw("op op-ok", "ok"),
    sw("op op-fail", "fail"),
    sw("op op-info", "info (unknown outcome, or never completed)"),
    sw("op op-ok marked", "named by a violation (▼)"),
    `<span class="sw"><svg width="22" height="11"><rect x="1" y="0" width="20" height="11" fill="url(#hatch-legend)"/><defs><pattern id="hatch-legend" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eceff3"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c3c8d0" stroke-width="2"/></pattern></defs></svg>node down</span>`,
    `<span class="sw"><svg width="22" height="11"><line x1="11" x2="11" y1="0" y2="11" stroke="#333" stroke-width="1.5"/></svg>spawn (#incarnation) / exit</span>`,
    `<span class="sw"><svg width="22" height="11"><rect x="1" y="0" width="20" height="11" fill="#4e79a7" fill-opacity="0.25"/></svg>fault window (darker on its target)</span>`,
  ].join(" ");
}

/** JSON safe inside a script element. */
function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(
    /\u2029/g,
    "\\u2029",
  );
}

/** Script text that cannot close its element early. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function styleText(css: string): string {
  return css.replace(/<\/(style)/gi, "<\\/$1");
}

const CSS = `
:root { --ok: ${OUTCOME_COLORS.ok}; --fail: ${OUTCOME_COLORS.fail}; --info: ${OUTCOME_COLORS.info}; --mark: #c2185b; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 0; color: #1d2330; background: #fff; }
header { padding: 14px 22px 8px; border-bottom: 1px solid #dde1e7; background: #f8f9fb; }
main { padding: 0 22px 40px; }
h1 { font-size: 22px; margin: 0 0 8px; display: flex; align-items: center; gap: 12px; }
h1 .sub { color: #5b6475; font-weight: 500; }
h2 { font-size: 17px; margin: 22px 0 8px; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; }
.facts div { display: flex; gap: 6px; }
.facts dt { color: #6b7385; }
.facts dd { margin: 0; font-weight: 600; }
.verdict { display: inline-block; padding: 1px 9px; border-radius: 10px; font-weight: 700; font-size: 12px; letter-spacing: .03em; color: #fff; }
.verdict.overall { font-size: 15px; padding: 3px 14px; border-radius: 14px; }
.verdict.valid { background: #2e7d32; }
.verdict.invalid { background: #c62828; }
.verdict.unknown { background: #8d6e00; }
.verdict.na { background: #757575; }
table.verdicts { border-collapse: collapse; width: 100%; }
table.verdicts th, table.verdicts td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e4e7ec; vertical-align: top; }
table.verdicts th { background: #f1f3f6; font-weight: 600; }
.reported { color: #6b7385; font-size: 12px; }
.figures .figure { display: inline-block; background: #f1f3f6; border-radius: 4px; padding: 0 6px; margin: 1px 2px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.figures .k { color: #6b7385; }
details.check-violations { margin: 4px 0 8px; }
details.check-violations > summary { cursor: pointer; padding: 2px 0; }
ol.violations { padding-left: 0; list-style: none; margin: 4px 0 0; max-height: 300px; overflow-y: auto; }
li.violation { border-left: 4px solid var(--mark); background: #fdf1f5; padding: 3px 10px; margin: 2px 0; }
li.violation details { display: inline-block; margin-left: 8px; font-size: 12px; color: #5b6475; }
li.violation details[open] { display: block; margin-left: 0; }
li.violation summary { cursor: pointer; }
li.violation.reported { border-left-color: #e08a00; background: #fff7ea; }
li.violation .vid { font-weight: 700; color: var(--mark); }
li.violation.reported .vid { color: #b36b00; }
.vcheck { color: #6b7385; }
a.vlink, a.vshow { color: #0b57d0; }
a.vshow { font-size: 12px; margin-left: 6px; }
li.violation details pre { max-height: 260px; overflow: auto; background: #fff; border: 1px solid #eee; padding: 6px; font-size: 12px; }
li.violation.active { outline: 2px solid var(--mark); }
.note { color: #5b6475; font-size: 13px; margin: 4px 0 8px; }
.note.missing { color: #c62828; }
.legend .sw { display: inline-flex; align-items: center; gap: 4px; margin-right: 14px; font-size: 13px; }
.legend svg { vertical-align: middle; }
.timeline-wrap { display: flex; border: 1px solid #dde1e7; }
.timeline-labels-wrap { flex: none; border-right: 1px solid #dde1e7; background: #fbfbfc; }
.timeline-scroll { overflow-x: auto; flex: 1; }
svg.timeline, svg.timeline-labels { display: block; font: 11px system-ui, sans-serif; }
.timeline-labels .node-id { font-weight: 700; font-size: 13px; }
.timeline-labels .node-role, .timeline-labels .head { fill: #6b7385; font-size: 11px; }
rect.op { stroke: rgba(0,0,0,.25); stroke-width: .5; }
rect.op-ok, rect.agg.op-ok { fill: var(--ok); }
rect.op-fail, rect.agg.op-fail { fill: var(--fail); }
rect.op-info, rect.agg.op-info { fill: var(--info); }
rect.op.open { stroke-dasharray: 2 1; stroke: #7a5b00; }
rect.op.marked { stroke: var(--mark); stroke-width: 2.2; }
.violation-marker { fill: var(--mark); }
rect.violation-span { fill: none; stroke: var(--mark); stroke-width: 1.5; stroke-dasharray: 5 3; }
rect.violation-span.reported { stroke: #e08a00; stroke-width: 1; stroke-opacity: .55; }
.flash { animation: flash 1s ease-in-out 3; }
rect.op.flash { stroke: #000; stroke-width: 3; }
rect.violation-span.flash { stroke-width: 3; }
@keyframes flash { 50% { opacity: .25; } }
rect.op:target { stroke: #000; stroke-width: 3; }
.incarnation-marker line { stroke: #333; stroke-width: 1.5; }
.incarnation-marker.exit line { stroke: #777; stroke-dasharray: 3 2; }
.incarnation-marker text { fill: #333; font-size: 10px; font-weight: 600; }
.fault-label { font-size: 11px; fill: #1d2330; }
.fault-band.marked > rect:first-child { stroke: var(--mark); stroke-width: 2; stroke-opacity: 1; }
.phase line { stroke: #9aa3b2; stroke-dasharray: 2 3; }
.phase text { fill: #6b7385; font-size: 10px; }
.axis line { stroke: #6b7385; }
.axis text { fill: #3d4556; }
.plot { margin: 4px 0 8px; min-height: 40px; }
`;

const CLIENT_JS = `
(function () {
  "use strict";
  // Violations: highlight every mark of one violation and scroll to its first operation.
  function flash(id) {
    document.querySelectorAll(".flash").forEach(function (e) { e.classList.remove("flash"); });
    document.querySelectorAll("li.violation.active").forEach(function (e) { e.classList.remove("active"); });
    var marks = Array.prototype.filter.call(document.querySelectorAll("[data-v]"), function (e) {
      return !e.matches("a") && (" " + e.getAttribute("data-v") + " ").indexOf(" " + id + " ") >= 0;
    });
    marks.forEach(function (e) { e.classList.add("flash"); });
    var li = document.getElementById(id);
    if (li) li.classList.add("active");
    return marks;
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a.vlink, a.vshow");
    if (!a) return;
    var marks = flash(a.getAttribute("data-v"));
    var target = a.classList.contains("vlink") ? document.querySelector(a.getAttribute("href")) : marks[0];
    if (target) {
      ev.preventDefault();
      target.scrollIntoView({ block: "center", inline: "center" });
      history.replaceState(null, "", a.getAttribute("href"));
    }
  });

  // Plots (uPlot, inlined).
  var data = JSON.parse(document.getElementById("plot-data").textContent);
  if (typeof uPlot === "undefined") return;
  function width() { return Math.max(600, Math.min(1400, document.querySelector("main").clientWidth - 10)); }
  function faultBands(u) {
    var ctx = u.ctx;
    ctx.save();
    data.faults.forEach(function (f) {
      var x0 = u.valToPos(f.start, "x", true), x1 = u.valToPos(f.stop, "x", true);
      ctx.fillStyle = f.color;
      ctx.globalAlpha = 0.13;
      ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
    });
    ctx.restore();
  }
  function make(el, d, opts) {
    var cols = [d.x].concat(d.series.map(function (s) { return s.values; }));
    var series = [{ label: "time (s)" }].concat(d.series.map(function (s, i) {
      var c = data.colors[i % data.colors.length];
      return Object.assign({ label: s.label, stroke: c, fill: undefined }, opts.series(c));
    }));
    var plot = new uPlot({
      width: width(), height: 240,
      scales: Object.assign({ x: { time: false, range: [0, data.endS] } }, opts.scales || {}),
      axes: [{ label: "time since the run started (s)" }, { label: opts.yLabel, size: 60 }],
      series: series,
      hooks: { drawClear: [faultBands] },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    }, cols, el);
    el.classList.add("rendered");
    return plot;
  }
  var plots = [];
  if (data.latency.x.length) {
    plots.push(make(document.getElementById("latency-plot"), data.latency, {
      yLabel: "duration (ms)",
      scales: { y: { distr: 3 } },
      series: function (c) { return { paths: function () { return null; }, points: { show: true, size: 5, fill: c, stroke: c } }; },
    }));
  } else {
    document.getElementById("latency-plot").textContent = "No completed operation.";
  }
  plots.push(make(document.getElementById("throughput-plot"), data.throughput, {
    yLabel: "ok ops / s",
    series: function (c) { return { width: 1.5, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }; },
  }));
  window.addEventListener("resize", function () {
    plots.forEach(function (p) { p.setSize({ width: width(), height: 240 }); });
  });
})();
`;
