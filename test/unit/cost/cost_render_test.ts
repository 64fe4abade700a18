import assert from "node:assert/strict";
import { HistoryBuilder } from "../../helpers/history_builder.ts";
import { faultCost } from "../../../lib/report/cost/fault_cost.ts";
import { faultCostLines } from "../../../lib/report/cost/cost_text.ts";
import { faultCostHtml } from "../../../lib/report/cost/cost_html.ts";

/** kill-leader 1000–3000 on m<1>: a write gap of 2.1 s, one failed write, one election. */
function cost() {
  const history = new HistoryBuilder()
    .op("n1", "write", 490, 500, "ok")
    .op("n1", "write", 1190, 1200, "ok")
    .op("n1", "write", 1300, 1900, "fail")
    .op("n1", "write", 4100, 4200, "ok")
    .op("n2", "write", 2000, 2100, "ok")
    .op("n2", "write", 4890, 4900, "ok")
    .fault("kill-leader", ["m<1>"], 1000, 3000)
    .end(5000)
    .build();
  return faultCost({ history, elections: [{ term: 3, leader: "m2", at: 1500 }] });
}

Deno.test("cost text: one line per window and the baseline, with each figure", () => {
  const lines = faultCostLines(cost());
  assert.equal(lines.length, 1 + 2 + 2, "a heading, the table's header and rule, two rows");
  const row = lines[3].split(/\s{2,}/);
  assert.deepEqual(row, [
    "kill-leader#1 m<1>",
    "1.0+2.0 s",
    "2.1 s",
    "—",
    "33.3% (1/3)",
    "100/10 ms",
    "600/100 ms",
    "1.2 s (n1)",
    "1",
  ]);
  assert.match(
    lines[4],
    /^outside faults\s+3\.0 s\s+1\.2 s\s+—\s+0% \(0\/3\)\s+10\/10 ms\s+100\/100 ms\s+—\s+0$/,
  );
});

Deno.test("cost html: a table per window, values escaped", () => {
  const html = faultCostHtml(cost());
  assert.equal(html.match(/<table /g)?.length, 2);
  assert.match(html, /id="cost-fault-1"/);
  assert.match(html, /kill-leader#1 m&lt;1&gt;, 1\.0–3\.0 s/);
  assert.ok(!html.includes("m<1>"), "escaped");
  assert.match(html, /<th>write gap<\/th><td>2\.1 s<\/td><td>1\.2 s<\/td>/);
  assert.match(html, /term 3 m2 at 1\.5 s/);
  assert.match(html, /n1 1\.2 s, n2 0 ms/);
});

Deno.test("cost text: a recovery into the next fault is starred, one that never came names its nodes", () => {
  const history = new HistoryBuilder()
    .op("n1", "write", 1100, 1200, "fail")
    .op("n1", "write", 2600, 2700, "ok")
    .op("n2", "write", 3100, 3200, "fail")
    .op("n2", "write", 3600, 3700, "fail")
    .fault("kill-leader", ["m1"], 1000, 2000)
    .fault("partition", ["m2"], 2500, 3500)
    .end(5000)
    .build();
  const lines = faultCostLines(faultCost({ history }));
  assert.match(lines[3], /\s700 ms \(n1\)\*\s/);
  assert.match(lines[4], /\snever \(n2\)\s/);
});
