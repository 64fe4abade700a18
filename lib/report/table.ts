import type { RunResult } from "../runner/run.ts";

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

/** The verdict table of one run, as the console shows it. */
export function runSummary(r: RunResult): string {
  const head =
    `${r.scenario} / ${r.subject} on ${r.cluster.members}-member ${r.cluster.kind} cluster, seed ${r.seed}, ` +
    `faults: ${r.faults.join(",") || "none"}; ${r.stats.operations} operations ` +
    `(ok ${r.stats.ok}, fail ${r.stats.fail}, info ${r.stats.info})`;
  const rows = r.checks.map((c) => [
    c.name + (c.decides ? "" : " (reported)"),
    verdictText(c.valid),
    c.summary,
  ]);
  return [
    head,
    "",
    table(["check", "verdict", "summary"], rows),
    "",
    `verdict: ${verdictText(r.valid)}`,
    `run directory: ${r.dir}`,
  ].join("\n");
}
