/** Notification: every state a watcher observes judged at its revision against etcd's job keys. */
import assert from "node:assert/strict";
import { progressAtRevisionChecker } from "../checks/progress_at_revision.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";
import scenario from "../mod.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

const state = (job: number, progress: number, done = false) => ({ job, progress, done });
const put = (
  revision: number,
  key: string,
  s: ReturnType<typeof state>,
  createRevision: number,
) => ({
  revision,
  type: "put" as const,
  key,
  value: JSON.stringify(s),
  createRevision,
});

/** Job 1: 0% at 3, 10% at 4, 100% at 6, done at 7; job 2 created at 8 (the record starts at 2). */
const log: KeyLog = {
  prefix: "/n/",
  from: 2,
  to: 10,
  initial: [],
  events: [
    put(3, "jobs/00001", state(1, 0), 3),
    put(4, "jobs/00001", state(1, 10), 3),
    put(6, "jobs/00001", state(1, 100), 3),
    put(7, "jobs/00001", state(1, 100, true), 3),
    put(8, "jobs/00002", state(2, 0), 8),
  ],
};

// The scenario's own wiring of the check, so the test judges what a run judges.
const checker = scenario.checkers.find((c) => c.name === "progress-at-revision")!;
const run = (h: HistoryBuilder, final: unknown = { jobs: [], log }) =>
  checker.check({ history: h.build(), final, ttlMs: 2000, params: {} });
const observe = (h: HistoryBuilder, t: number, s: ReturnType<typeof state>, revision?: number) =>
  h.op("n3", "observe", t, t, "ok", s, revision);

Deno.test("progress-at-revision: states etcd put at the revisions reported are valid", () => {
  const h = new HistoryBuilder();
  observe(h, 10, state(1, 0), 3);
  observe(h, 20, state(1, 10), 4);
  observe(h, 30, state(1, 100, true), 7);
  observe(h, 40, state(2, 0), 8);
  observe(h, 50, state(1, 0), 1); // before the record: not judged
  observe(h, 60, state(1, 10)); // no revision: not judged
  h.op("n3", "observe", 70, 71, "info", state(1, 0), 9); // not acknowledged: not judged
  const r = run(h);
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.judged, 4);
  assert.equal(r.figures?.observations, 6);
});

Deno.test("progress-at-revision: a state behind etcd names the put the watcher lacks", () => {
  const h = new HistoryBuilder();
  observe(h, 10, state(1, 0), 4);
  const r = run(h);
  assert.equal(r.valid, false);
  assert.match(r.summary, /n3#1 saw job 1 at 0% at revision 4, behind etcd.*the put at revision 4/);
});

Deno.test("progress-at-revision: a state ahead of etcd names the later put it anticipates", () => {
  const h = new HistoryBuilder();
  observe(h, 10, state(1, 100, true), 6);
  const r = run(h);
  assert.equal(r.valid, false);
  const e = r.evidence![0] as { violation: string; event: unknown; etcd: unknown };
  assert.match(e.violation, /ahead of etcd/);
  assert.deepEqual(e.event, { type: "put", revision: 7 });
  assert.deepEqual(e.etcd, { state: state(1, 100), modRevision: 6 });
});

Deno.test("progress-at-revision: the right state at a revision with no put of it (a header revision) fails", () => {
  const h = new HistoryBuilder();
  observe(h, 10, state(1, 10), 5);
  const r = run(h);
  assert.equal(r.valid, false);
  const e = r.evidence![0] as { violation: string; event: unknown };
  assert.match(e.violation, /another revision/);
  assert.deepEqual(e.event, { type: "put", revision: 4 });
});

Deno.test("progress-at-revision: a job seen before etcd created its key names the creating put", () => {
  const h = new HistoryBuilder();
  observe(h, 10, state(2, 0), 5);
  const r = run(h);
  assert.equal(r.valid, false);
  const e = r.evidence![0] as { violation: string; event: unknown; etcd: unknown };
  assert.match(e.violation, /no such key/);
  assert.deepEqual(e.event, { type: "put", revision: 8 });
  assert.equal(e.etcd, null);
});

Deno.test("progress-at-revision: no record, or nothing at a covered revision, is unknown", () => {
  const h = new HistoryBuilder();
  observe(h, 10, state(1, 0), 1);
  assert.equal(run(h).valid, "unknown");
  assert.equal(run(h, { jobs: [], log: null }).valid, "unknown");
  const direct = progressAtRevisionChecker({
    observe: "observe",
    key: () => "jobs/00001",
    parse: (v) => v,
    same: (a, b) => a === b,
    rank: () => 0,
    log: () => undefined,
  });
  assert.equal(direct.check({ history: [], final: {}, ttlMs: 2000, params: {} }).judged, 0);
});

Deno.test("progress-at-revision: after a compaction, a state that outlived it is still judged", () => {
  // The record starts at 9: job 1's done state (put at 7) is the key's first recorded state.
  const compacted: KeyLog = {
    prefix: "/n/",
    from: 9,
    to: 10,
    initial: [
      {
        key: "jobs/00001",
        value: JSON.stringify(state(1, 100, true)),
        createRevision: 3,
        modRevision: 7,
        lease: "0",
      },
      {
        key: "jobs/00002",
        value: JSON.stringify(state(2, 0)),
        createRevision: 8,
        modRevision: 8,
        lease: "0",
      },
    ],
    events: [],
  };
  const right = new HistoryBuilder();
  observe(right, 10, state(1, 100, true), 7);
  observe(right, 20, state(1, 10), 4); // job 1 changed after 4: the record cannot tell
  const r = run(right, { jobs: [], log: compacted });
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.judged, 1);
  const wrong = new HistoryBuilder();
  observe(wrong, 10, state(1, 100, true), 8); // done was put at 7, nothing was put to it at 8
  const w = run(wrong, { jobs: [], log: compacted });
  assert.equal(w.valid, false, w.summary);
  assert.deepEqual((w.evidence![0] as { event: unknown }).event, { type: "put", revision: 7 });
});
