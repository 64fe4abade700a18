import assert from "node:assert/strict";
import { counterChecker } from "../checks/counter.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

const check = counterChecker({ write: "write" }).check;
const input = (h: HistoryBuilder, final: number | null) => ({
  history: h.build(),
  final: { counter: final === null ? null : { value: final, modRevision: 99 } },
  ttlMs: 2000,
  params: {},
});
const w = (from: number, readModRevision: number, token?: number) => ({
  from,
  to: from + 1,
  readModRevision,
  token,
});

Deno.test("counter: serial increments are valid", () => {
  const h = new HistoryBuilder()
    .op("n1", "write", 0, 10, "ok", w(0, 0), 5)
    .op("n2", "write", 20, 30, "ok", w(1, 5), 8)
    .op("n3", "write", 40, 50, "ok", w(2, 8), 11);
  const r = check(input(h, 3));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.acknowledged, 3);
});

Deno.test("counter: two writers that read the same value lose an update", () => {
  const h = new HistoryBuilder()
    .op("n1", "write", 0, 10, "ok", w(0, 0), 5)
    .op("n2", "write", 20, 30, "ok", w(1, 5), 8) // paused holder: read 1 at rev 5…
    .op("n3", "write", 25, 35, "ok", w(1, 5), 9); // …successor also read 1 at rev 5
  const r = check(input(h, 2));
  assert.equal(r.valid, false);
  assert.match(r.summary, /lost update/);
  const v = r.evidence![0] as { overwritten: { node: string }; by: { node: string } };
  assert.equal(v.overwritten.node, "n2");
  assert.equal(v.by.node, "n3");
});

Deno.test("counter: a final value below the acknowledged increments fails", () => {
  const h = new HistoryBuilder()
    .op("n1", "write", 0, 10, "ok", w(0, 0), 5)
    .op("n2", "write", 20, 30, "ok", w(1, 5), 8);
  const r = check(input(h, 1));
  assert.equal(r.valid, false);
  assert.match(r.summary, /final counter below/);
});

Deno.test("counter: increments of unknown outcome may or may not count", () => {
  const h = new HistoryBuilder()
    .op("n1", "write", 0, 10, "ok", w(0, 0), 5)
    .op("n2", "write", 20, 30, "info", w(1, 5))
    .op("n3", "write", 40, 50, "ok", w(2, 7), 9);
  assert.equal(check(input(h, 3)).valid, true);
  const tooHigh = check(input(h, 4));
  assert.equal(tooHigh.valid, false);
  assert.match(tooHigh.summary, /above/);
});

Deno.test("counter: fenced writes that failed do not count", () => {
  const h = new HistoryBuilder()
    .op("n1", "write", 0, 10, "ok", w(0, 0), 5)
    .op("n2", "write", 20, 30, "fail", w(0, 0), 8)
    .op("n3", "write", 25, 35, "ok", w(1, 5), 9);
  assert.equal(check(input(h, 2)).valid, true);
});

Deno.test("counter: nothing acknowledged is unknown, not valid", () => {
  const h = new HistoryBuilder().op("n1", "write", 0, 10, "info", w(0, 0));
  assert.equal(check(input(h, null)).valid, "unknown");
});

/** etcd's record of the counter key: one put per value, at the given revisions. */
const record = (puts: [revision: number, value: number][]) => ({
  prefix: "/c",
  from: 1,
  to: Math.max(1, ...puts.map(([r]) => r)),
  initial: [],
  events: puts.map(([revision, value]) => ({
    revision,
    type: "put" as const,
    key: "",
    value: String(value),
  })),
});
const withLog = (h: HistoryBuilder, final: number, puts: [number, number][]) => ({
  ...input(h, final),
  final: { counter: { value: final, modRevision: 99 }, log: record(puts) },
});

Deno.test("counter: etcd's record settles a write of unknown outcome as happened", () => {
  const h = new HistoryBuilder()
    .op("n1", "write", 0, 10, "ok", w(0, 0), 5)
    .op("n2", "write", 20, 30, "info", w(1, 5))
    .op("n3", "write", 40, 50, "ok", w(2, 7), 9);
  const r = check(withLog(h, 3, [[5, 1], [7, 2], [9, 3]]));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.unknownSettledHappened, 1);
  assert.equal(r.judged, 3);
});

Deno.test("counter: an unknown write that overwrote an increment is a lost update (from below)", () => {
  // n2's write timed out but took effect at 10, over n3's acknowledged write of the same value:
  // the acknowledged-only checks cannot see it (final 2 = 2 acknowledged), etcd's record does.
  const h = new HistoryBuilder()
    .op("n1", "write", 0, 10, "ok", w(0, 0), 5)
    .op("n3", "write", 25, 35, "ok", w(1, 5), 8)
    .op("n2", "write", 20, 40, "info", w(1, 5));
  assert.equal(check(input(h, 2)).valid, true); // without the record it passes
  const r = check(withLog(h, 2, [[5, 1], [8, 2], [10, 2]]));
  assert.equal(r.valid, false);
  assert.match(r.summary, /lost update/);
  const e = r.evidence![0] as { revision: number; by: unknown };
  assert.equal(e.revision, 10);
  assert.match(String(e.by), /unknown outcome/);
});

Deno.test("counter: an acknowledged write missing from etcd's record fails", () => {
  const h = new HistoryBuilder()
    .op("n1", "write", 0, 10, "ok", w(0, 0), 5)
    .op("n2", "write", 20, 30, "ok", w(1, 5), 8);
  const r = check(withLog(h, 2, [[5, 1], [9, 2]]));
  assert.equal(r.valid, false);
  assert.ok(
    r.evidence!.some((e) =>
      (e as { violation: string }).violation === "acknowledged write not in etcd's record"
    ),
  );
});

Deno.test("counter: a record with more writes than attempted fails (bounded from above)", () => {
  const h = new HistoryBuilder().op("n1", "write", 0, 10, "ok", w(0, 0), 5);
  const r = check(withLog(h, 2, [[5, 1], [6, 2]]));
  assert.equal(r.valid, false);
  assert.ok(
    r.evidence!.some((e) =>
      /more writes than were attempted/.test((e as { violation: string }).violation)
    ),
  );
});
