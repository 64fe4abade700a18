import assert from "node:assert/strict";
import { UsageError } from "../../../lib/proc/errors.ts";
import { HistoryBuilder } from "../../helpers/history_builder.ts";
import { faultCost } from "../../../lib/report/cost/fault_cost.ts";
import type { FaultCost } from "../../../lib/report/cost/fault_cost.ts";
import { parseSlo, sloChecks, SloError } from "../../../lib/report/cost/slo.ts";

Deno.test("slo: parses durations, percentages, counts and both operators", () => {
  assert.deepEqual(
    parseSlo("write-gap<=3s, p99<=500ms,recovery<2.5s,error-rate<=5%,leader-changes<=1"),
    [
      { figure: "write-gap", bound: 3000, strict: false, text: "write-gap<=3s" },
      { figure: "p99", bound: 500, strict: false, text: "p99<=500ms" },
      { figure: "recovery", bound: 2500, strict: true, text: "recovery<2.5s" },
      { figure: "error-rate", bound: 0.05, strict: false, text: "error-rate<=5%" },
      { figure: "leader-changes", bound: 1, strict: false, text: "leader-changes<=1" },
    ],
  );
  assert.deepEqual(parseSlo("read-gap<=250ms,p50<=1s").map((s) => s.bound), [250, 1000]);
});

Deno.test("slo: a malformed objective is refused with one line saying what it must be", () => {
  const cases: [string, RegExp][] = [
    ["", /empty/],
    ["write-gap=3s", /write figure<=value/],
    ["p99>=500ms", /write figure<=value/],
    ["latency<=3s", /unknown figure 'latency'; use one of write-gap, read-gap/],
    ["p99<=500", /p99 must be a duration like 500ms or 3s/],
    ["recovery<=fast", /recovery must be a duration/],
    ["error-rate<=0.05", /error-rate must be a percentage like 5%/],
    ["error-rate<=120%", /error-rate must be a percentage/],
    ["leader-changes<=1.5", /leader-changes must be a whole number/],
    ["p99<=1s,p99<=2s", /names p99 twice/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseSlo(text), (e: unknown) => {
      assert.ok(e instanceof SloError && e instanceof UsageError, `${text}: typed error`);
      assert.match(e.message, message);
      assert.ok(!e.message.includes("\n"), `${text}: one line`);
      return true;
    });
  }
});

/**
 * kill-leader 1000–3000: writes ok at 500, 1200, 2100, then 4200 (the gap: 2100 ms from 2100,
 * past the heal), one failed write (error rate 1/3 inside), latencies 10 / 600 / 100; n1
 * recovers 1200 ms after the heal; one election inside. Outside: no error, no election.
 */
function cost(): FaultCost {
  const history = new HistoryBuilder()
    .op("n1", "write", 490, 500, "ok")
    .op("n1", "write", 1190, 1200, "ok")
    .op("n1", "write", 1300, 1900, "fail")
    .op("n1", "write", 4100, 4200, "ok")
    .op("n2", "write", 2000, 2100, "ok")
    .op("n1", "write", 4790, 4800, "ok")
    .op("n2", "write", 4890, 4900, "ok")
    .fault("kill-leader", ["m1"], 1000, 3000)
    .end(5000)
    .build();
  return faultCost({ history, elections: [{ term: 3, leader: "m2", at: 1500 }] });
}

Deno.test("slo: each objective kept and broken, with the window and figure as evidence", () => {
  const c = cost();
  const w = c.windows[0];
  assert.deepEqual(w.writeGap, { ms: 2100, from: 2100, to: 4200, open: false });
  assert.equal(w.recovery?.maxMs, 1200);
  assert.equal(w.errorRate, 1 / 3);
  assert.deepEqual(w.latency, { count: 3, p50: 100, p99: 600 });

  const kept = sloChecks(
    c,
    parseSlo(
      "write-gap<=2.1s,p99<=600ms,p50<=100ms,recovery<=1200ms,error-rate<=34%,leader-changes<=1",
    ),
  );
  for (const k of kept) {
    assert.equal(k.valid, true, `${k.name}: ${k.summary}`);
    assert.equal(k.decides, true);
    assert.ok((k.judged ?? 0) > 0);
    assert.deepEqual(k.evidence, []);
  }
  assert.equal(kept.find((k) => k.name === "slo recovery<=1200ms")?.judged, 1, "faults only");
  assert.equal(kept.find((k) => k.name === "slo p99<=600ms")?.judged, 2, "window and baseline");

  const broken = sloChecks(
    c,
    parseSlo("write-gap<2.1s,p99<=599ms,p50<=99ms,recovery<=1s,error-rate<=33%,leader-changes<=0"),
  );
  for (const b of broken) assert.equal(b.valid, false, `${b.name}: ${b.summary}`);
  const gap = broken[0];
  assert.equal(gap.name, "slo write-gap<2.1s");
  assert.deepEqual(gap.evidence, [{
    violation: "write-gap 2.1 s breaks write-gap<2.1s",
    slo: "write-gap<2.1s",
    figure: "write-gap",
    value: 2100,
    bound: 2100,
    fault: { id: 1, fault: "kill-leader", targets: ["m1"], start: 1000, stop: 3000 },
  }]);
  assert.match(gap.summary, /broken in 1 of 2 window\(s\); worst 2\.1 s \(kill-leader#1 m1\)/);
  const recovery = broken[3];
  assert.deepEqual(
    (recovery.evidence?.[0] as { perNode: unknown }).perNode,
    { n1: 1200, n2: 0 },
  );
});

Deno.test("slo: a window that measured nothing judges nothing: unknown, never valid", () => {
  const history = new HistoryBuilder()
    .op("n1", "read", 100, 110, "ok")
    .op("n1", "read", 4000, 4010, "ok")
    .fault("kill-node", ["n1"], 1000, 2000)
    .end(5000)
    .build();
  const c = faultCost({ history });
  const [gap, p99, leaders] = sloChecks(c, parseSlo("write-gap<=1s,p99<=1s,leader-changes<=1"));
  assert.equal(gap.valid, "unknown", "no write anywhere");
  assert.equal(gap.judged, 0);
  assert.equal(p99.valid, "unknown", "kept outside, but the fault window had no request");
  assert.equal(p99.judged, 1);
  assert.match(p99.summary, /not measured in kill-node#1 n1/);
  assert.equal(leaders.valid, "unknown", "no member logs");
});

Deno.test("slo: a recovery that never came breaks any bound", () => {
  const history = new HistoryBuilder()
    .op("n1", "write", 1100, 1200, "fail")
    .op("n1", "write", 2500, 2600, "fail")
    .fault("partition", ["n1"], 1000, 2000)
    .end(5000)
    .build();
  const [r] = sloChecks(faultCost({ history }), parseSlo("recovery<=60s"));
  assert.equal(r.valid, false);
  assert.match(r.summary, /worst never/);
  assert.deepEqual((r.evidence?.[0] as { unrecovered: string[] }).unrecovered, ["n1"]);
});
