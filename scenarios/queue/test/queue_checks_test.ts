import assert from "node:assert/strict";
import { fifoChecker, totalQueueChecker } from "../checks/queue_order.ts";
import type { QueueFinal } from "../checks/queue_order.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";
import { withInvokeValues } from "../../../test/helpers/invoke_values.ts";

const total = totalQueueChecker().check;
const fifo = fifoChecker().check;

const input = (h: HistoryBuilder, final: QueueFinal = { drained: [], revision: 100 }) => ({
  history: withInvokeValues(h),
  final,
  ttlMs: 2000,
  params: {},
});

/** Items a (rev 10), b (rev 11), c (rev 12) enqueued by n1. */
function enqueued(): HistoryBuilder {
  return new HistoryBuilder()
    .op("n1", "enqueue", 0, 10, "ok", { id: "a" }, 10)
    .op("n1", "enqueue", 20, 30, "ok", { id: "b" }, 11)
    .op("n1", "enqueue", 40, 50, "ok", { id: "c" }, 12);
}
const item = (id: string, createRevision: number) => ({ id, createRevision });

Deno.test("total-queue: each item claimed once or drained: valid", () => {
  const h = enqueued()
    .op("n3", "dequeue", 60, 70, "ok", item("a", 10), 13)
    .op("n4", "dequeue", 60, 80, "fail", item("a", 10), 13)
    .op("n4", "dequeue", 90, 100, "ok", item("b", 11), 14);
  const r = total(input(h, { drained: [item("c", 12)], revision: 20 }));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.drained, 1);
  assert.equal(r.figures?.inQueueMs_max, 70);
});

Deno.test("total-queue: two consumers both taking one item is a duplicate: invalid", () => {
  const h = enqueued()
    .op("n3", "dequeue", 60, 70, "ok", item("a", 10), 13)
    .op("n4", "dequeue", 61, 72, "ok", item("a", 10), 13)
    .op("n4", "dequeue", 90, 100, "ok", item("b", 11), 14)
    .op("n3", "dequeue", 90, 100, "ok", item("c", 12), 15);
  const r = total(input(h));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.duplicated, 1);
  const e = r.evidence![0] as { id: string; claims: { node: string }[] };
  assert.equal(e.id, "a");
  assert.deepEqual(e.claims.map((c) => c.node), ["n3", "n4"]);
});

Deno.test("total-queue: a claimed item also drained is a duplicate", () => {
  const h = enqueued()
    .op("n3", "dequeue", 60, 70, "ok", item("a", 10), 13)
    .op("n3", "dequeue", 90, 100, "ok", item("b", 11), 14);
  const r = total(input(h, { drained: [item("b", 11), item("c", 12)], revision: 20 }));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.duplicated, 1);
});

Deno.test("total-queue: an acknowledged item never dequeued is lost, unless a claim of unknown outcome took it", () => {
  const lost = enqueued()
    .op("n3", "dequeue", 60, 70, "ok", item("a", 10), 13)
    .op("n3", "dequeue", 90, 100, "ok", item("b", 11), 14);
  const r = total(input(lost));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.lost, 1);
  assert.equal((r.evidence![0] as { id: string }).id, "c");
  const maybe = enqueued()
    .op("n3", "dequeue", 60, 70, "ok", item("a", 10), 13)
    .op("n3", "dequeue", 90, 100, "ok", item("b", 11), 14)
    .op("n4", "dequeue", 90, 3000, "info", item("c", 12));
  assert.equal(total(input(maybe)).valid, true);
});

Deno.test("total-queue: a dequeued item never enqueued, or whose enqueue failed, is unexpected", () => {
  const h = enqueued()
    .op("n1", "enqueue", 60, 70, "fail", { id: "f" })
    .op("n3", "dequeue", 60, 70, "ok", item("a", 10), 13)
    .op("n3", "dequeue", 90, 100, "ok", item("ghost", 9), 14)
    .op("n3", "dequeue", 110, 120, "ok", item("f", 16), 17);
  const r = total(input(h, { drained: [item("b", 11), item("c", 12)], revision: 20 }));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.unexpected, 2);
});

Deno.test("total-queue: an item of unknown enqueue outcome may be dequeued once or not at all, not twice", () => {
  const base = () =>
    enqueued()
      .op("n2", "enqueue", 0, 3000, "info", { id: "u" })
      .op("n3", "dequeue", 60, 70, "ok", item("a", 10), 13);
  const drained = { drained: [item("b", 11), item("c", 12)], revision: 20 };
  assert.equal(total(input(base(), drained)).valid, true);
  const once = base().op("n3", "dequeue", 90, 100, "ok", item("u", 14), 15);
  assert.equal(total(input(once, drained)).valid, true);
  const twice = base()
    .op("n3", "dequeue", 90, 100, "ok", item("u", 14), 15)
    .op("n4", "dequeue", 90, 101, "ok", item("u", 14), 15);
  assert.equal(total(input(twice, drained)).valid, false);
});

Deno.test("total-queue: nothing enqueued is unknown", () => {
  assert.equal(total(input(new HistoryBuilder())).valid, "unknown");
});

Deno.test("fifo-order: claims of the oldest item are valid", () => {
  const h = enqueued()
    .op("n3", "dequeue", 60, 70, "ok", item("a", 10), 13)
    .op("n4", "dequeue", 90, 100, "ok", item("b", 11), 14)
    .op("n3", "dequeue", 110, 120, "ok", item("c", 12), 15);
  const r = fifo(input(h));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.judged, 3);
});

Deno.test("fifo-order: claiming b while a was still queued fails", () => {
  const h = enqueued()
    .op("n3", "dequeue", 60, 70, "ok", item("b", 11), 13)
    .op("n4", "dequeue", 90, 100, "ok", item("a", 10), 14);
  const r = fifo(input(h, { drained: [item("c", 12)], revision: 20 }));
  assert.equal(r.valid, false);
  const e = r.evidence![0] as { claimed: { id: string }; older: { id: string } };
  assert.equal(e.claimed.id, "b");
  assert.equal(e.older.id, "a");
  // An older item left for the final drain was queued too.
  const left = enqueued().op("n3", "dequeue", 60, 70, "ok", item("b", 11), 13);
  assert.equal(
    fifo(input(left, { drained: [item("a", 10), item("c", 12)], revision: 20 })).valid,
    false,
  );
});

Deno.test("fifo-order: an older item removed by a claim of unknown outcome counts only when that claim surely came later", () => {
  const overlapping = enqueued()
    .op("n4", "dequeue", 55, 3000, "info", item("a", 10))
    .op("n3", "dequeue", 60, 70, "ok", item("b", 11), 13)
    .op("n3", "dequeue", 80, 90, "ok", item("c", 12), 14);
  assert.equal(fifo(input(overlapping)).valid, true);
  const after = enqueued()
    .op("n3", "dequeue", 60, 70, "ok", item("b", 11), 13)
    .op("n4", "dequeue", 75, 3000, "info", item("a", 10))
    .op("n3", "dequeue", 80, 90, "ok", item("c", 12), 14);
  assert.equal(fifo(input(after)).valid, false);
});

Deno.test("total-queue: etcd's record settles an enqueue of unknown outcome: created must be dequeued, never created must not be", () => {
  const settled = totalQueueChecker({ idOf: (v) => JSON.parse(v).id }).check;
  /** etcd's record of the items: a, b, c and (when `withU`) u created at 14. */
  const record = (withU: boolean) => ({
    prefix: "/q/items/",
    from: 1,
    to: 20,
    initial: [],
    events: [["a", 10], ["b", 11], ["c", 12], ...(withU ? [["u", 14]] : [])].map((
      [id, revision],
    ) => ({
      revision: revision as number,
      type: "put" as const,
      key: String(id),
      value: JSON.stringify({ id }),
      createRevision: revision as number,
    })),
  });
  const base = () =>
    enqueued()
      .op("n2", "enqueue", 0, 3000, "info", { id: "u" })
      .op("n3", "dequeue", 60, 70, "ok", item("a", 10), 13);
  const drained = (withU: boolean) => ({
    drained: [item("b", 11), item("c", 12)],
    revision: 20,
    log: record(withU),
  });
  // Created and never dequeued: lost (without the record this is allowed, see above).
  const lost = settled(input(base(), drained(true)));
  assert.equal(lost.valid, false, lost.summary);
  assert.match(JSON.stringify(lost.evidence), /unknown enqueue outcome never dequeued/);
  assert.equal(lost.figures?.unknownSettledHappened, 1);
  // Created and dequeued once: valid.
  const once = base().op("n3", "dequeue", 90, 100, "ok", item("u", 14), 15);
  assert.equal(settled(input(once, drained(true))).valid, true);
  // Never created, yet dequeued: unexpected.
  const ghost = settled(input(once, drained(false)));
  assert.equal(ghost.valid, false);
  assert.match(JSON.stringify(ghost.evidence), /record shows was never created/);
  // Never created, never dequeued: valid, settled as not having happened.
  const none = settled(input(base(), drained(false)));
  assert.equal(none.valid, true, none.summary);
  assert.equal(none.figures?.unknownSettledNot, 1);
});
