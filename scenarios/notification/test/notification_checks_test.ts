import assert from "node:assert/strict";
import { monotonicChecker } from "../checks/progress_monotonic.ts";
import { completionChecker } from "../checks/completion.ts";
import { faultFreeMs } from "../checks/fault_free.ts";
import type { HistoryEvent } from "../../../lib/history/event.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";
import { withInvokeValues } from "../../../test/helpers/invoke_values.ts";

const jobOf = (v: unknown) => String((v as { job?: number } | undefined)?.job);
const monotonic = monotonicChecker({
  observe: "observe",
  series: jobOf,
  rank: (v) => {
    const s = v as { progress: number; done: boolean };
    return s.progress * 2 + (s.done ? 1 : 0);
  },
}).check;
const completion = completionChecker({
  complete: "complete",
  wait: "wait",
  observe: "observe",
  job: jobOf,
  done: (v) => (v as { done?: boolean } | undefined)?.done === true,
}).check;

const input = (h: HistoryBuilder | HistoryEvent[], final?: unknown) => ({
  history: Array.isArray(h) ? h : h.build(),
  final,
  ttlMs: 2000,
  params: { completionBoundMs: 2000, recoverMs: 1000 },
});

const state = (job: number, progress: number, done = false) => ({ job, progress, done });

Deno.test("fault-free time: windows are cut out once, overlaps not twice", () => {
  assert.equal(faultFreeMs(0, 1000, []), 1000);
  assert.equal(faultFreeMs(0, 1000, [[100, 300], [200, 400], [900, 2000]]), 600);
  assert.equal(faultFreeMs(500, 400, [[0, 1]]), 0);
});

Deno.test("never-backwards: progress going up per job is valid, across jobs and incarnations", () => {
  const h = new HistoryBuilder()
    .op("n2", "observe", 0, 1, "ok", state(1, 10), 5)
    .op("n2", "observe", 10, 11, "ok", state(1, 20), 6)
    .op("n2", "observe", 20, 21, "ok", state(1, 100, true), 8)
    .op("n2", "observe", 30, 31, "ok", state(2, 0), 9)
    // Restarted: reads job 1 again, done; the same state is not a step back.
    .op("n2", "observe", 40, 41, "ok", state(1, 100, true), 8, 2);
  const r = monotonic(input(h));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.series, 2);
});

Deno.test("never-backwards: a lower progress after a higher one fails, also from done back to 100", () => {
  for (const after of [state(1, 10), state(1, 100)]) {
    const h = new HistoryBuilder()
      .op("n2", "observe", 0, 1, "ok", state(1, 50), 5)
      .op("n2", "observe", 10, 11, "ok", state(1, 100, true), 7)
      .op("n2", "observe", 20, 21, "ok", after, 9, 2);
    const r = monotonic(input(h));
    assert.equal(r.valid, false, JSON.stringify(after));
    const e = r.evidence![0] as { node: string; after: { incarnation: number } };
    assert.equal(e.node, "n2");
    assert.equal(e.after.incarnation, 2);
  }
  // Another node's lower view is no step back of this one.
  const h = new HistoryBuilder()
    .op("n2", "observe", 0, 1, "ok", state(1, 50), 5)
    .op("n3", "observe", 10, 11, "ok", state(1, 10), 3);
  assert.equal(monotonic(input(h)).valid, true);
});

Deno.test("completion-seen: waiters that saw it soon, also one that started after, are valid", () => {
  const h = new HistoryBuilder()
    .op("n1", "complete", 900, 1000, "ok", { job: 1 }, 20)
    .op("n2", "wait", 0, 1050, "ok", { job: 1 })
    .op("n3", "wait", 5000, 5020, "ok", { job: 1 })
    .end(9000);
  const r = completion(input(withInvokeValues(h)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.judged, 2);
  assert.equal(r.figures?.seenAfterMs_max, 50);
});

Deno.test("completion-seen: a late starter that never sees a completed job hangs: invalid", () => {
  const h = new HistoryBuilder()
    .op("n1", "complete", 900, 1000, "ok", { job: 1 }, 20)
    .op("n2", "wait", 0, 1050, "ok", { job: 1 })
    .op("n3", "wait", 5000, 9000, "fail", { job: 1 })
    .end(9000);
  const r = completion(input(withInvokeValues(h)));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.hung, 1);
  const e = r.evidence![0] as { node: string; violation: string };
  assert.equal(e.node, "n3");
  assert.match(e.violation, /hung/);
});

Deno.test("completion-seen: seeing it 3 s late fails; the same delay inside a fault on the waiter does not", () => {
  const late = new HistoryBuilder()
    .op("n1", "complete", 900, 1000, "ok", { job: 1 }, 20)
    .op("n2", "wait", 0, 4000, "ok", { job: 1 })
    .end(9000);
  const r = completion(input(withInvokeValues(late)));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.late, 1);
  const paused = new HistoryBuilder()
    .op("n1", "complete", 900, 1000, "ok", { job: 1 }, 20)
    .op("n2", "wait", 0, 4000, "ok", { job: 1 })
    .fault("pause-node", ["n2"], 500, 2500)
    .end(9000);
  assert.equal(completion(input(withInvokeValues(paused))).valid, true);
  // A fault on another node excuses nothing; one on the members does.
  const other = new HistoryBuilder()
    .op("n1", "complete", 900, 1000, "ok", { job: 1 }, 20)
    .op("n2", "wait", 0, 4000, "ok", { job: 1 })
    .op("n3", "wait", 0, 1100, "ok", { job: 1 })
    .fault("pause-node", ["n3"], 500, 2500)
    .end(9000);
  assert.equal(completion(input(withInvokeValues(other))).valid, false);
  const member = new HistoryBuilder()
    .op("n1", "complete", 900, 1000, "ok", { job: 1 }, 20)
    .op("n2", "wait", 0, 4000, "ok", { job: 1 })
    .fault("kill-member", ["m2"], 500, 2500)
    .end(9000);
  assert.equal(completion(input(withInvokeValues(member))).valid, true);
});

Deno.test("completion-seen: a wait stopped soon after the completion, or for a job never done, is not judged", () => {
  const h = new HistoryBuilder()
    .op("n1", "complete", 900, 1000, "ok", { job: 1 }, 20)
    .op("n2", "wait", 0, 1050, "ok", { job: 1 })
    .op("n3", "wait", 0, 1500, "fail", { job: 1 })
    .op("n2", "wait", 1100, 9000, "fail", { job: 2 })
    .end(9000);
  const r = completion(input(withInvokeValues(h)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.judged, 1);
});

Deno.test("completion-seen: a completion of unknown outcome counts once seen or held by etcd", () => {
  const seen = new HistoryBuilder()
    .op("n1", "complete", 900, 1500, "info", { job: 1 })
    .op("n2", "observe", 1100, 1101, "ok", state(1, 100, true), 20)
    .op("n2", "wait", 0, 1101, "ok", { job: 1 })
    .op("n3", "wait", 3000, 9000, "fail", { job: 1 })
    .end(9000);
  const r = completion(input(withInvokeValues(seen)));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.hung, 1);
  const held = new HistoryBuilder()
    .op("n1", "complete", 900, 1500, "info", { job: 1 })
    .op("n3", "wait", 3000, 9000, "fail", { job: 1 })
    .end(9000);
  const final = { jobs: [{ job: 1, done: true }] };
  assert.equal(completion(input(withInvokeValues(held), final)).valid, false);
  assert.equal(completion(input(withInvokeValues(held), { jobs: [] })).valid, "unknown");
});

Deno.test("completion-seen: a wait that answers before the job is done is caught", () => {
  const h = new HistoryBuilder()
    .op("n1", "complete", 900, 1000, "ok", { job: 1 }, 20)
    .op("n2", "wait", 0, 300, "ok", { job: 1, progress: 30, done: false })
    .op("n3", "wait", 0, 400, "ok", { job: 2 }) // job 2 was never done by anyone
    .end(9000);
  const r = completion(input(withInvokeValues(h)));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.early, 2);
  assert.match(r.summary, /claimed a completion before it happened/);
});
