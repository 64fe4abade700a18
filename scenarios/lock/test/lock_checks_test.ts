import assert from "node:assert/strict";
import { overlapChecker } from "../checks/overlap.ts";
import { regrantChecker } from "../../../lib/checks/regrant.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

const input = (h: HistoryBuilder) => ({
  history: h.build(),
  final: undefined,
  ttlMs: 2000,
  params: {},
});
const overlap = overlapChecker().check;
const regrant = regrantChecker({ acquire: "acquire", release: "release" }).check;

Deno.test("overlap: holds one after another do not overlap", () => {
  const h = new HistoryBuilder()
    .op("n1", "acquire", 0, 10, "ok", { token: 5 })
    .op("n1", "release", 100, 110, "ok")
    .op("n2", "acquire", 5, 112, "ok", { token: 6 })
    .op("n2", "release", 200, 210, "ok");
  const r = overlap(input(h));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.holds, 2);
});

Deno.test("overlap: a paused holder that never released overlaps its successor", () => {
  const h = new HistoryBuilder()
    .op("n1", "acquire", 0, 10, "ok", { token: 5 })
    .op("n2", "acquire", 5, 2500, "ok", { token: 6 })
    .op("n2", "release", 2800, 2810, "ok")
    .op("n1", "release", 4000, 4010, "ok");
  const r = overlap(input(h));
  assert.equal(r.valid, false);
  assert.equal(r.evidence!.length, 1);
  assert.equal(overlapChecker().decides, false);
});

Deno.test("liveness: a killed holder's lock is granted again within TTL + 1 s", () => {
  const h = new HistoryBuilder()
    .op("n1", "acquire", 0, 10, "ok")
    .fault("kill-node", ["n1"], 500, 1500)
    .exit("n1", 501)
    .op("n2", "acquire", 20, 2900, "ok")
    .end(6000);
  const r = regrant(input(h));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.judged, 1);
  assert.equal(r.figures?.regrantMs_max, 2400);
});

Deno.test("liveness: a grant later than TTL + 1 s after the kill fails", () => {
  const h = new HistoryBuilder()
    .op("n1", "acquire", 0, 10, "ok")
    .fault("kill-node", ["n1"], 500, 1500)
    .exit("n1", 501)
    .op("n2", "acquire", 20, 4000, "ok")
    .end(6000);
  const r = regrant(input(h));
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { latencyMs: number }).latencyMs, 3500);
});

Deno.test("liveness: a grant late only by twice the cluster's slowest answer then is excused, not judged", () => {
  // 3500 ms after the kill: 500 over the bound, while the probe took 300 ms (allowance 600).
  const late = (probeMs: number) =>
    new HistoryBuilder()
      .op("n1", "acquire", 0, 10, "ok")
      .fault("kill-node", ["n1"], 500, 1500)
      .exit("n1", 501)
      .probe(2000, 100)
      .probe(2600, probeMs)
      .op("n2", "acquire", 20, 4000, "ok")
      .end(6000);
  const r = regrant(input(late(300)));
  assert.equal(r.valid, "unknown", r.summary);
  assert.equal(r.judged, 0);
  assert.equal(r.figures?.excused, 1);
  assert.match(r.summary, /1 late wait\(s\) excused: none later than 2 × .* \(up to 300 ms\)/);
  // A cluster that answered in 200 ms (allowance 400) does not account for 500 ms late.
  const judged = regrant(input(late(200)));
  assert.equal(judged.valid, false, judged.summary);
  assert.equal(judged.figures?.excused, 0);
  assert.equal((judged.evidence![0] as { slowestProbeMs: number }).slowestProbeMs, 200);
});

Deno.test("liveness: a probe outside the wait's window excuses nothing", () => {
  const h = new HistoryBuilder()
    .op("n1", "acquire", 0, 10, "ok")
    .probe(400, 2000) // ended before the kill at 500
    .fault("kill-node", ["n1"], 500, 1500)
    .exit("n1", 501)
    .op("n2", "acquire", 20, 4000, "ok")
    .probe(6000, 1900) // started after the grant at 4000
    .end(6000);
  const r = regrant(input(h));
  assert.equal(r.valid, false, r.summary);
  assert.equal((r.evidence![0] as { slowestProbeMs: number | null }).slowestProbeMs, null);
});

Deno.test("liveness: no grant at all after the kill fails", () => {
  const h = new HistoryBuilder()
    .op("n1", "acquire", 0, 10, "ok")
    .fault("kill-node", ["n1"], 500, 1500)
    .exit("n1", 501)
    .op("n2", "acquire", 20, undefined, "info")
    .end(6000);
  assert.equal(regrant(input(h)).valid, false);
});

Deno.test("liveness: a short pause of the holder is not judged", () => {
  const h = new HistoryBuilder()
    .op("n1", "acquire", 0, 10, "ok")
    .fault("pause-node", ["n1"], 500, 1500)
    .op("n1", "release", 1600, 1610, "ok")
    .op("n2", "acquire", 20, 5000, "ok")
    .end(8000);
  const r = regrant(input(h));
  assert.equal(r.valid, "unknown", r.summary);
  assert.equal(r.judged, 0);
});
