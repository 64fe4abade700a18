import type { RunResult } from "./result.ts";

/** One verdict for JUnit: a run and whether it should have come out valid. */
export interface JunitCase {
  result: RunResult;
  /** The verdict expected (run all); undefined: expect valid. */
  expectValid?: boolean;
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * JUnit XML with one test case per scenario × subject: a failure names the
 * failing checks with their summaries, and the run directory for the evidence.
 */
export function junitXml(cases: readonly JunitCase[]): string {
  const body = cases.map(({ result: r, expectValid }) => {
    const expected = expectValid ?? true;
    const name = `${r.subject} under ${r.faults.join(",") || "no faults"}`;
    const time = (r.elapsedMs / 1000).toFixed(3);
    const head = `  <testcase classname="etcd-drills.${esc(r.scenario)}" name="${
      esc(name)
    }" time="${time}">`;
    if (r.valid === expected) return `${head}</testcase>`;
    const failing = r.checks.filter((c) => c.decides && c.valid !== true);
    const message = expected
      ? `verdict ${r.valid}: ${failing.map((c) => c.name).join(", ")}`
      : `expected an invalid verdict, got ${r.valid}: the checks did not catch this subject`;
    const details = [
      ...r.checks.map((c) => `${c.name}: ${c.valid} — ${c.summary}`),
      `seed ${r.seed}; run directory ${r.dir}`,
    ].join("\n");
    return `${head}\n    <failure message="${esc(message)}">${
      esc(details)
    }</failure>\n  </testcase>`;
  });
  const failures = cases.filter((c) => c.result.valid !== (c.expectValid ?? true)).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="etcd-drills" tests="${cases.length}" failures="${failures}">\n${
    body.join("\n")
  }\n</testsuite>\n`;
}
