import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { HistoryEvent, OpEvent, ProbeEvent } from "../../lib/history/event.ts";
import { latencyData, PROBE_SERIES } from "../../lib/report/plot_data.ts";
import { operations } from "../../lib/history/event.ts";
import type { RunResult } from "../../lib/runner/run.ts";
import { findViolations } from "../../lib/report/evidence.ts";
import { loadReportAssets, reportHtml, writeReportHtml } from "../../lib/report/html.ts";

const CHROMIUM = "/usr/bin/chromium";

/** A hand-written history: 3 nodes, a pause, a kill with a restart, a partition, and phases. */
function sampleHistory(): { history: HistoryEvent[]; lost: OpEvent[][][] } {
  const h: HistoryEvent[] = [];
  const ids = new Map<string, number>();
  const op = (
    node: string,
    incarnation: number,
    f: string,
    start: number,
    end: number | undefined,
    outcome: "ok" | "fail" | "info",
    value?: unknown,
  ): OpEvent[] => {
    const id = (ids.get(`${node}#${incarnation}`) ?? 0) + 1;
    ids.set(`${node}#${incarnation}`, id);
    const invoke: OpEvent = {
      kind: "op",
      type: "invoke",
      op: id,
      node,
      incarnation,
      f,
      time: start,
    };
    h.push(invoke);
    if (end === undefined) return [invoke];
    const done: OpEvent = {
      kind: "op",
      type: outcome,
      op: id,
      node,
      incarnation,
      f,
      value,
      time: end,
      ...(outcome === "fail" ? { error: "deadline exceeded" } : {}),
    };
    h.push(done);
    return [invoke, done];
  };
  const phase = (name: string, time: number) => h.push({ kind: "phase", phase: name, time });
  const fault = (id: number, name: string, targets: string[], start: number, stop: number) => {
    h.push({ kind: "fault", type: "start", id, fault: name, targets, time: start });
    h.push({ kind: "fault", type: "stop", id, fault: name, targets, time: stop });
  };
  const spawn = (node: string, incarnation: number, time: number) =>
    h.push({ kind: "node", type: "spawn", node, incarnation, role: "client", time });
  const exit = (node: string, incarnation: number, time: number, signal: string | null) =>
    h.push({ kind: "node", type: "exit", node, incarnation, exitCode: null, signal, time });

  phase("setup", 0);
  for (const n of ["n1", "n2", "n3"]) spawn(n, 1, 300);
  phase("workload", 1000);
  // Steady work: acquire / write / release rounds on every node.
  for (const [i, n] of ["n1", "n2", "n3"].entries()) {
    for (let t = 1100 + i * 90; t < 9000; t += 420) {
      const paused = n === "n2" && t > 2900 && t < 5600;
      const dead = n === "n3" && t > 5800 && t < 6900;
      const cut = n === "n1" && t > 7400 && t < 8300;
      if (paused || dead) continue;
      const inc = n === "n3" && t >= 6900 ? 2 : 1;
      op(n, inc, "acquire", t, t + 40 + (i * 17) % 50, cut ? "fail" : "ok");
      if (!cut) op(n, inc, "write", t + 120, t + 150 + (t % 7) * 9, "ok");
      op(n, inc, "release", t + 260, t + 290, cut ? "info" : "ok");
    }
  }
  // The pause: n2's write is invoked before it and completes after, over n1's write.
  fault(1, "pause-node", ["n2"], 3000, 5500);
  const n2write = op("n2", 1, "write", 2950, 5520, "ok", { from: 7, to: 8 });
  const n1write = op("n1", 1, "write", 4000, 4060, "ok", { from: 7, to: 8 });
  // The kill: n3's write never completes; the node comes back as incarnation 2.
  fault(2, "kill-node", ["n3"], 6000, 6800);
  const n3write = op("n3", 1, "write", 5900, undefined, "info");
  h.push({
    kind: "op",
    type: "info",
    op: n3write[0].op,
    node: "n3",
    incarnation: 1,
    f: "write",
    error: "node process ended before the operation completed",
    time: 6000,
  });
  exit("n3", 1, 6000, "SIGKILL");
  spawn("n3", 2, 6800);
  const n1write2 = op("n1", 1, "write", 6100, 6170, "ok", { from: 9, to: 10 });
  fault(3, "partition-node", ["n1"], 7400, 8300);
  phase("heal", 9000);
  phase("quiesce", 9200);
  for (const n of ["n1", "n2", "n3"]) exit(n, n === "n3" ? 2 : 1, 10_000, null);
  phase("final", 10_100);
  phase("check", 10_200);
  h.sort((a, b) => a.time - b.time);
  return {
    history: h,
    lost: [[n1write, n2write], [n3write, n1write2]],
  };
}

function sampleResult(
  history: HistoryEvent[],
  lost: OpEvent[][][],
  dir: string,
): RunResult {
  const ops = operations(history);
  const count = (outcome: string) => ops.filter((o) => o.outcome === outcome).length;
  const describe = (e: OpEvent[]) => ({
    node: e[0].node,
    incarnation: e[0].incarnation,
    invoked: e[0].time,
    completed: e[1]?.time,
  });
  return {
    version: 1,
    scenario: "lock",
    subject: "naive",
    cluster: { kind: "process", members: 3 },
    seed: 4242,
    ttl: 2,
    durationMs: 8000,
    faults: ["pause-node", "kill-node", "partition-node"],
    plan: [
      { id: 1, at: 2000, fault: "pause-node", holdMs: 2500, seed: 1 },
      { id: 2, at: 5000, fault: "kill-node", holdMs: 800, seed: 2 },
      { id: 3, at: 6400, fault: "partition-node", holdMs: 900, seed: 3 },
    ],
    skippedFaults: [],
    valid: false,
    checks: [
      {
        name: "resource-safety",
        decides: true,
        judged: 1,
        applies: true,
        valid: false,
        summary: "lost update: 2 lost update(s); final 9, 11 acknowledged, 1 unknown",
        // Op events in `events`, and the same operations as {node, invoked} summaries.
        evidence: [
          ...lost.slice(0, 1).map(([a, b]) => ({
            violation: "lost update",
            overwritten: describe(a),
            by: describe(b),
            events: [...a, ...b],
          })),
          ...lost.slice(1).map(([a, b]) => ({
            violation: "lost update",
            overwritten: describe(a),
            by: describe(b),
          })),
          { violation: "final counter below acknowledged increments", final: 9, acknowledged: 11 },
        ],
        figures: { acknowledged: 11, unknown: 1, final: 9, lostUpdates: 2 },
      },
      {
        name: "liveness",
        decides: true,
        judged: 1,
        applies: true,
        valid: true,
        summary: "re-granted after 1 disabled holder(s), max 2400 ms",
        figures: { judged: 1, regrantMs_median: 2400, regrantMs_p95: 2400, regrantMs_max: 2400 },
      },
      {
        name: "overlapping-holds",
        decides: false,
        judged: 1,
        applies: true,
        valid: false,
        summary: "1 overlapping hold(s) among 40",
        evidence: [{
          first: { node: "n2", incarnation: 1, start: 2950, end: 5600 },
          second: { node: "n1", incarnation: 1, start: 3980, end: 4400 },
          overlapMs: 420,
        }],
        figures: { holds: 40, overlaps: 1 },
      },
    ],
    stats: {
      operations: ops.length,
      ok: count("ok"),
      fail: count("fail"),
      info: count("info"),
      events: history.length,
    },
    dir,
    startedAt: "2026-11-24T12:00:00.000Z",
    elapsedMs: 14_321,
  };
}

Deno.test("evidence links to operations through op events and {node, invoked} summaries", () => {
  const { history, lost } = sampleHistory();
  const result = sampleResult(history, lost, "/tmp/x");
  const { violations } = findViolations(result.checks, operations(history));
  assert.deepEqual(violations.map((v) => [v.check, v.label]), [
    ["resource-safety", "lost update"],
    ["resource-safety", "lost update"],
    ["resource-safety", "final counter below acknowledged increments"],
    ["overlapping-holds", "overlapping-holds"],
  ]);
  const key = (e: OpEvent[]) => `${e[0].node}#${e[0].incarnation}#${e[0].op}`;
  assert.deepEqual(violations[0].marks.ops.sort(), lost[0].map(key).sort());
  // The second entry names its operations only by node and invoke time (n3's never completed).
  assert.deepEqual(violations[1].marks.ops.sort(), lost[1].map(key).sort());
  assert.equal(violations[2].marks.ops.length, 0);
  assert.equal(violations[3].marks.spans.length, 2);
});

Deno.test("report.html is self-contained and stays small for a large history", async () => {
  const assets = await loadReportAssets();
  assert.ok(assets.uplotJs && assets.uplotCss, "uPlot's dist files are found in node_modules");
  const { history, lost } = sampleHistory();
  const small = reportHtml(sampleResult(history, lost, "/tmp/x"), history, assets);
  assert.doesNotMatch(small, /<(script|link|img|iframe)[^>]*\s(src|href)=/i);
  assert.doesNotMatch(small, /url\(\s*['"]?(https?:)?\/\//i);
  assert.doesNotMatch(small, /@import/i);

  // 3 nodes × 20 000 operations: bars are capped, the rest aggregated, and the report says so.
  const big: HistoryEvent[] = [];
  for (const node of ["n1", "n2", "n3"]) {
    for (let i = 0; i < 20_000; i++) {
      const t = i * 3;
      big.push({ kind: "op", type: "invoke", op: i, node, incarnation: 1, f: "write", time: t });
      big.push({ kind: "op", type: "ok", op: i, node, incarnation: 1, f: "write", time: t + 2 });
    }
  }
  big.sort((a, b) => a.time - b.time);
  const html = reportHtml(sampleResult(big, [], "/tmp/big"), big, assets);
  const bars = html.match(/<rect id="op-/g)?.length ?? 0;
  assert.equal(bars, 6000);
  assert.match(html, /6000 of 60000 operations drawn as bars/);
  assert.ok(html.length < 4_000_000, `report.html is ${html.length} bytes`);
});

const haveChromium = existsSync(CHROMIUM);
const ci = Deno.env.get("CI") === "true";
if (!haveChromium && !ci) {
  console.log(
    `report_html_test: skipping the browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`,
  );
}

Deno.test({
  name: "report.html renders offline in headless Chromium: lanes, faults, violations, plots",
  ignore: !haveChromium && !ci,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    assert.ok(
      haveChromium,
      `CI=true needs Chromium at ${CHROMIUM}: .ci/run installs it from Debian`,
    );
    const { chromium } = await import("playwright-core");
    // Set KEEP_REPORT=1 to keep the page and its screenshot for a look.
    const keep = Deno.env.get("KEEP_REPORT") === "1";
    const dir = await Deno.makeTempDir({ prefix: "report_html_test_" });
    const { history, lost } = sampleHistory();
    const path = await writeReportHtml(dir, sampleResult(history, lost, dir), history);
    const url = new URL(`file://${path}`).href;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(url, { waitUntil: "load" });

      assert.deepEqual(requests, [url], "the page fetches nothing but itself");
      assert.deepEqual(errors, []);
      assert.equal(await page.locator(".verdict.overall").textContent(), "INVALID");
      assert.equal(await page.locator("table.verdicts tr.check").count(), 3);
      assert.match(
        await page.locator('tr[data-check="resource-safety"] .figures').innerText(),
        /lostUpdates\s+2/,
      );

      // One lane per node, labelled n1..n3; incarnation #2 of n3 is marked.
      assert.deepEqual(
        await page.locator("svg.timeline g.lane").evaluateAll((els) =>
          els.map((e) => e.getAttribute("data-node"))
        ),
        ["n1", "n2", "n3"],
      );
      assert.deepEqual(
        await page.locator(".timeline-labels .node-id").allTextContents(),
        ["n1", "n2", "n3"],
      );
      assert.equal(await page.locator(".incarnation-marker.spawn").count(), 4);
      assert.equal(await page.locator(".incarnation-marker.exit").count(), 4);
      assert.ok(
        (await page.locator('g.lane[data-node="n3"] .incarnation-marker text').allTextContents())
          .includes("#2"),
      );
      assert.ok((await page.locator("svg.timeline rect.op").count()) > 50);
      assert.ok((await page.locator("svg.timeline rect.op-fail").count()) >= 2);
      assert.ok((await page.locator("svg.timeline rect.op-info").count()) >= 2);

      // Three fault windows, labelled with fault and target.
      assert.equal(await page.locator("g.fault-band").count(), 3);
      assert.deepEqual(await page.locator(".fault-label").allTextContents(), [
        "pause-node → n2",
        "kill-node → n3",
        "partition-node → n1",
      ]);

      // The four operations the lost updates name are outlined and marked; the holds are spans.
      assert.equal(await page.locator("svg.timeline rect.op.marked").count(), 4);
      assert.equal(await page.locator("path.violation-marker").count(), 4);
      assert.equal(await page.locator("rect.violation-span").count(), 2);
      assert.equal(await page.locator("li.violation").count(), 4);
      assert.equal(await page.locator("li.violation.reported").count(), 1);

      // A violation's link scrolls to and highlights its operations.
      await page.locator("li#v1 a.vlink").first().click();
      assert.equal(await page.locator("svg.timeline rect.op.flash").count(), 2);
      const box = await page.locator("svg.timeline rect.op.flash").first().boundingBox();
      assert.ok(box && box.y >= 0 && box.y < 900, "the operation is scrolled into view");

      // Both plots drew (uPlot renders to canvas).
      assert.equal(await page.locator("#latency-plot .uplot canvas").count(), 1);
      assert.equal(await page.locator("#throughput-plot .uplot canvas").count(), 1);
      assert.equal(await page.locator("#latency-plot .u-legend .u-series").count(), 4);

      await page.evaluate("window.scrollTo(0, 0)");
      const shot = `${dir}/report.png`;
      await page.screenshot({ path: shot, fullPage: true });
      if (keep) console.log(`report_html_test: ${path} and its screenshot ${shot}`);
      assert.deepEqual(requests, [url], "still nothing fetched after clicks and drawing");
    } finally {
      await browser.close();
      if (!keep) await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("report.html plots the runner's probes beside the operations, at the time each was asked", () => {
  const { history } = sampleHistory();
  const probes: ProbeEvent[] = [
    { kind: "probe", latencyMs: 5, ok: true, time: 1005 },
    { kind: "probe", latencyMs: 800, ok: true, time: 2300 },
  ];
  const data = latencyData(operations(history), 20_000, probes);
  const probe = data.series.find((s) => s.label === PROBE_SERIES)!;
  const at = (x: number) => probe.values[data.x.indexOf(x)];
  assert.equal(at(1), 5);
  assert.equal(at(1.5), 800);
  assert.equal(probe.values.filter((v) => v !== null).length, 2);
  // Every operation series keeps its own points: one value per x, null where another series is.
  for (const s of data.series) assert.equal(s.values.length, data.x.length);
  assert.equal(data.plotted, data.completed);
  const html = reportHtml(sampleResult([...history, ...probes], [], "/tmp/p"), [
    ...history,
    ...probes,
  ]);
  assert.match(html, /how long the cluster took to answer the runner's own read/);
});
