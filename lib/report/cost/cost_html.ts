/**
 * What each fault cost, as report.html shows it: a small table per fault
 * window (figure, inside, outside every window) and one for the baseline.
 * Uses the report's `verdicts` table style; every value is escaped.
 */
import { esc } from "../timeline_svg.ts";
import type { FaultCost, WindowCost } from "./fault_cost.ts";
import { errorText, gapText, msText, recoveryText, windowLabel } from "./cost_text.ts";

/** The `<section id="fault-cost">` fragment for report.html. Pure. */
export function faultCostHtml(cost: FaultCost): string {
  const tables = [...cost.windows, cost.baseline].map((w) => windowTable(w, cost.baseline));
  return `<section id="fault-cost">
<h2>What each fault cost</h2>
<p class="note">Per fault window (start to heal) against the run outside every window. A gap is the longest span without a successful write (read); in a window it runs on past the heal to the next success (+: none before the run's end). Errors: requests that ended info, or fail without etcd's answer (a recipe declining, e.g. a queue item claimed first, is not one). Latency: requests answered at once (not lock or barrier waits), nearest-rank percentiles. Recovery: from the heal to each disturbed node's first success (*: it ran into the next fault). Elections: leader elections the members logged in the window or ${
    msText(cost.settings.afterHealMs)
  } after its heal.</p>
<div class="cost-windows" style="display:flex;flex-wrap:wrap;gap:12px 18px;align-items:flex-start">
${tables.join("\n")}
</div>
</section>`;
}

function windowTable(w: WindowCost, out: WindowCost): string {
  const baseline = w.kind === "baseline";
  const row = (name: string, inside: string, outside?: string) =>
    `<tr><th>${esc(name)}</th><td>${esc(inside)}</td>${
      baseline ? "" : `<td>${esc(outside ?? "")}</td>`
    }</tr>`;
  const lat = (v: number | null) => (v === null ? "—" : `${Math.round(v)} ms`);
  const per = w.recovery
    ? Object.entries(w.recovery.perNode).map(([n, v]) => `${n} ${v === null ? "never" : msText(v)}`)
      .join(", ")
    : "";
  const elections = w.leaderChanges === null
    ? ""
    : w.leaderChanges.elections.map((e) =>
      `term ${e.term} ${e.leader} at ${(e.at / 1000).toFixed(1)} s`
    )
      .join("; ");
  const count = (x: WindowCost) => x.leaderChanges === null ? "—" : String(x.leaderChanges.count);
  const detail = (text: string) =>
    text === "" ? "" : `<tr><td colspan="${baseline ? 2 : 3}" class="note">${esc(text)}</td></tr>`;
  const caption = baseline
    ? `outside faults, ${msText(w.durationMs)}`
    : `${windowLabel(w)}, ${(w.start / 1000).toFixed(1)}–${(w.stop / 1000).toFixed(1)} s`;
  return `<table class="verdicts cost" id="${
    baseline ? "cost-baseline" : `cost-fault-${w.id}`
  }" style="width:auto">
<caption style="text-align:left;font-weight:600">${esc(caption)}</caption>
<thead><tr><th>figure</th><th>${baseline ? "value" : "in window"}</th>${
    baseline ? "" : "<th>outside</th>"
  }</tr></thead>
<tbody>
${row("write gap", gapText(w.writeGap), gapText(out.writeGap))}
${row("read gap", gapText(w.readGap), gapText(out.readGap))}
${row("errors", errorText(w), errorText(out))}
${row("p50", lat(w.latency.p50), lat(out.latency.p50))}
${row("p99", lat(w.latency.p99), lat(out.latency.p99))}
${baseline ? "" : row("recovery", recoveryText(w), "—")}
${baseline ? "" : detail(per)}
${row("elections", count(w), count(out))}
${detail(elections)}
</tbody>
</table>`;
}
