import type { RunResult } from "./result.ts";
import { faultCostLines } from "./cost/cost_text.ts";
import { errorLines } from "./error_summary.ts";

/** A plain text table: columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** How a verdict reads in a table. */
export function verdictText(v: true | false | "unknown"): string {
  return v === true ? "valid" : v === false ? "INVALID" : "unknown";
}

/** How a check's verdict reads: "n/a" where nothing in the run could exercise it. */
export function checkVerdictText(
  c: { valid: true | false | "unknown"; applies?: boolean },
): string {
  return c.applies === false ? "n/a" : verdictText(c.valid);
}

/** How many things a check judged, for a table cell ("-" where the check does not say). */
export function judgedText(c: { judged?: number | null }): string {
  return c.judged === undefined || c.judged === null ? "-" : String(c.judged);
}

/** The verdict table of one run, as the console shows it. */
export function runSummary(r: RunResult): string {
  const head =
    `${r.scenario} / ${r.subject} on ${r.cluster.members}-member ${r.cluster.kind} cluster, seed ${r.seed}, ` +
    `faults: ${r.faults.join(",") || "none"}; ${r.stats.operations} operations ` +
    `(ok ${r.stats.ok}, fail ${r.stats.fail}, info ${r.stats.info})`;
  const rows = r.checks.map((c) => [
    c.name + (c.decides || c.applies === false ? "" : " (reported)"),
    checkVerdictText(c),
    judgedText(c),
    c.summary,
  ]);
  return [
    head,
    "",
    table(["check", "verdict", "judged", "summary"], rows),
    "",
    ...(r.faultCost ? [...faultCostLines(r.faultCost), ""] : []),
    ...errorLines(r.errors, r.subject, r.misfits).flatMap((l, i, all) =>
      i === all.length - 1 ? [l, ""] : [l]
    ),
    `verdict: ${verdictText(r.valid)}`,
    `run directory: ${r.dir}`,
  ].join("\n");
}
