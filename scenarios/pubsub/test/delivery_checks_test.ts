import assert from "node:assert/strict";
import { deliveryChecker, noPhantomChecker, revisionOrderChecker } from "../checks/delivery.ts";
import type { BroadcastFinal } from "../checks/delivery.ts";
import type { HistoryEvent } from "../../../lib/history/event.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";
import { withInvokeValues } from "../../../test/helpers/invoke_values.ts";

const delivery = deliveryChecker().check;
const order = revisionOrderChecker().check;
const phantom = noPhantomChecker().check;

const input = (h: HistoryBuilder | HistoryEvent[], final?: BroadcastFinal) => ({
  history: Array.isArray(h) ? h : h.build(),
  final,
  ttlMs: 2000,
  params: {},
});

const msg = (id: string, revision: number) => ({ id, key: `m/${id}`, revision });

/** A publish of message `id` from `start` to `end`, acknowledged at `revision` unless told. */
function publish(
  h: HistoryBuilder,
  id: string,
  start: number,
  end: number | undefined,
  revision: number,
  outcome: "ok" | "fail" | "info" = "ok",
) {
  const value = { id, key: `m/${id}` };
  // The builder records the completion's value; the invoke's is what the checker reads.
  return h.op("n1", "publish", start, end, outcome, value, outcome === "ok" ? revision : undefined);
}

/** A compaction that took effect at `time`, up to `revision`. */
function compacted(events: HistoryEvent[], time: number, revision: number): HistoryEvent[] {
  const all: HistoryEvent[] = [
    ...events,
    {
      kind: "fault",
      type: "start",
      id: 99,
      fault: "compact",
      targets: ["m1", "m2", "m3"],
      detail: { revision, compacted: true },
      time,
    },
    { kind: "fault", type: "stop", id: 99, fault: "compact", targets: ["m1", "m2", "m3"], time },
  ];
  return all.sort((a, b) => a.time - b.time);
}

/** Two messages, a subscriber n2 subscribed before both. */
function base(): HistoryBuilder {
  const h = new HistoryBuilder()
    .op("n2", "subscribe", 0, 10, "ok", { from: 5 });
  publish(h, "a", 100, 110, 10);
  publish(h, "b", 200, 210, 11);
  return h;
}

Deno.test("delivered-once: every message delivered once, drained: valid", () => {
  const h = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "deliver", 220, 230, "ok", { messages: [msg("b", 11)] })
    .op("n2", "drain", 900, 910, "ok", {}, 20);
  const r = delivery(input(withInvokeValues(h)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.required, 2);
  assert.equal(r.figures?.deliveryMs_max, 20);
});

Deno.test("delivered-once: a message never delivered is a silent gap: invalid", () => {
  const h = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "drain", 900, 910, "ok", {}, 20);
  const r = delivery(input(withInvokeValues(h)));
  assert.equal(r.valid, false);
  assert.match(r.summary, /1 silently lost/);
  const e = r.evidence![0] as { subscriber: string; message: { id: string } };
  assert.equal(e.subscriber, "n2");
  assert.equal(e.message.id, "b");
});

Deno.test("delivered-once: a message delivered twice is a duplicate: invalid", () => {
  const h = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "deliver", 220, 230, "ok", { messages: [msg("b", 11)] })
    .op("n2", "deliver", 300, 310, "ok", { messages: [msg("b", 11)] }, undefined, 2)
    .op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  const r = delivery(input(withInvokeValues(h)));
  assert.equal(r.valid, false);
  assert.match(r.summary, /1 duplicated/);
});

Deno.test("delivered-once: a delivery of unknown outcome redelivered after restart: valid", () => {
  const h = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "deliver", 220, 500, "info", { messages: [msg("b", 11)] })
    .op("n2", "deliver", 700, 710, "ok", { messages: [msg("b", 11)] }, undefined, 2)
    .op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  assert.equal(delivery(input(withInvokeValues(h))).valid, true);
});

Deno.test("delivered-once: messages published before subscribing or after the drain are not required", () => {
  const h = new HistoryBuilder();
  publish(h, "early", 0, 10, 4);
  h.op("n2", "subscribe", 5, 20, "ok", { from: 5 });
  publish(h, "a", 100, 110, 10);
  publish(h, "late", 950, 960, 30);
  h.op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "drain", 900, 910, "ok", {}, 20);
  const r = delivery(input(withInvokeValues(h)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.required, 1);
});

Deno.test("delivered-once: an unknown-outcome message reaches all subscribers or none", () => {
  const two = () => {
    const h = new HistoryBuilder()
      .op("n2", "subscribe", 0, 10, "ok")
      .op("n3", "subscribe", 0, 10, "ok");
    publish(h, "a", 100, 110, 10);
    publish(h, "u", 200, 400, 0, "info");
    return h.op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
      .op("n3", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
      .op("n2", "drain", 900, 910, "ok", {}, 20)
      .op("n3", "drain", 900, 910, "ok", {}, 20);
  };
  // Nobody got it and etcd does not hold it: it did not happen.
  assert.equal(delivery(input(withInvokeValues(two()))).valid, true);
  // One got it: the other must too.
  const some = two().op("n2", "deliver", 300, 310, "ok", { messages: [msg("u", 12)] });
  const r = delivery(input(withInvokeValues(some)));
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { subscriber: string }).subscriber, "n3");
  // Nobody got it, but etcd holds it: both lost it.
  const held = delivery(input(withInvokeValues(two()), { messages: [msg("a", 10), msg("u", 12)] }));
  assert.equal(held.valid, false);
  assert.equal(held.figures?.lost, 2);
});

Deno.test("delivered-once: a loss inside a recorded gap that a compaction caused is excused", () => {
  const h = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "gap", 400, 400, "ok", { after: 10, compactRevision: 15 }, undefined, 2)
    .op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  const r = delivery(input(compacted(withInvokeValues(h), 300, 15)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.excusedByGaps, 1);
  assert.equal(r.figures?.gaps, 1);
});

Deno.test("delivered-once: the same loss after a compaction but with no gap recorded fails", () => {
  const h = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  const r = delivery(input(compacted(withInvokeValues(h), 300, 15)));
  assert.equal(r.valid, false);
  assert.match(r.summary, /silently lost/);
});

Deno.test("delivered-once: a gap with no compaction behind it fails", () => {
  const h = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "gap", 400, 400, "ok", { after: 10, compactRevision: 15 }, undefined, 2)
    .op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  // No compaction at all, then one that did not reach past the gap's start.
  for (const history of [withInvokeValues(h), compacted(withInvokeValues(h), 300, 11)]) {
    const r = delivery(input(history));
    assert.equal(r.valid, false);
    assert.match(r.summary, /gap\(s\) with no compaction/);
  }
});

Deno.test("delivered-once: a gap from the compaction a nospace heal made (stop detail) is excused", () => {
  const h = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "gap", 400, 400, "ok", { after: 10, compactRevision: 15 }, undefined, 2)
    .op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  const nospace = (compactedAt: number): HistoryEvent[] => {
    const start: HistoryEvent = {
      kind: "fault",
      type: "start",
      id: 7,
      fault: "nospace",
      targets: ["m1"],
      time: 100,
    };
    const stop: HistoryEvent = {
      kind: "fault",
      type: "stop",
      id: 7,
      fault: "nospace",
      targets: ["m1"],
      detail: { compacted: true, revision: 15, compactedAt },
      time: 450,
    };
    return [...withInvokeValues(h), start, stop].sort((a, b) => a.time - b.time);
  };
  const r = delivery(input(nospace(300)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.excusedByGaps, 1);
  // A compaction after the gap was reported cannot have caused it.
  assert.equal(delivery(input(nospace(420))).valid, false);
});

Deno.test("delivered-once: nothing to judge is unknown", () => {
  const h = new HistoryBuilder().op("n2", "subscribe", 0, 10, "ok")
    .op("n2", "drain", 20, 30, "ok", {}, 5);
  const r = delivery(input(h));
  assert.equal(r.valid, "unknown");
  assert.equal(r.judged, 0);
});

Deno.test("delivered-once: a subscriber that never drained is a violation, not a figure", () => {
  const h = new HistoryBuilder().op("n2", "subscribe", 0, 10, "ok");
  const r = delivery(input(h));
  assert.equal(r.valid, false);
  assert.match(r.summary, /never drained/);
  assert.equal((r.evidence![0] as { subscriber: string }).subscriber, "n2");
});

Deno.test("revision-order: increasing across incarnations is valid; a replay or a step back fails", () => {
  const ok = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "deliver", 220, 230, "ok", { messages: [msg("b", 11)] }, undefined, 2);
  assert.equal(order(input(withInvokeValues(ok))).valid, true);
  const replay = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10), msg("b", 11)] })
    .op("n2", "deliver", 220, 230, "ok", { messages: [msg("b", 11)] }, undefined, 2);
  const r = order(input(withInvokeValues(replay)));
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { violation: string }).violation, "message delivered again");
  const back = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("b", 11), msg("a", 10)] });
  const b = order(input(withInvokeValues(back)));
  assert.equal(b.valid, false);
  assert.equal((b.evidence![0] as { violation: string }).violation, "out of revision order");
});

Deno.test("no-phantoms: only published messages at their revisions", () => {
  const good = base().op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] });
  assert.equal(phantom(input(withInvokeValues(good))).valid, true);
  for (const m of [msg("never", 12), msg("a", 12)]) {
    const bad = base().op("n2", "deliver", 120, 130, "ok", { messages: [m] });
    const r = phantom(input(withInvokeValues(bad)));
    assert.equal(r.valid, false, JSON.stringify(m));
  }
  const h = base();
  publish(h, "f", 300, 310, 0, "fail");
  h.op("n2", "deliver", 320, 330, "ok", { messages: [msg("f", 12)] });
  const r = phantom(input(withInvokeValues(h)));
  assert.equal(r.valid, false);
  assert.match((r.evidence![0] as { violation: string }).violation, /surely failed/);
});

/** n2's delivery of b (revision 11) of unknown outcome; it restarts and resumes after `from`. */
function unknownThenResume(from: number): HistoryBuilder {
  return base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "deliver", 220, 500, "info", { messages: [msg("b", 11)] })
    .exit("n2", 500)
    .op("n2", "subscribe", 600, 610, "ok", { from }, from, 2);
}

Deno.test("delivered-once: an unknown delivery the resume settles as happened makes a later one a duplicate", () => {
  // Resumed after 11: b was delivered by the unknown delivery, so delivering it again is twice.
  const again = unknownThenResume(11)
    .op("n2", "deliver", 700, 710, "ok", { messages: [msg("b", 11)] }, undefined, 2)
    .op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  const r = delivery(input(withInvokeValues(again)));
  assert.equal(r.valid, false, r.summary);
  assert.match(r.summary, /1 duplicated.*1 happened, 0 did not/);
  const e = r.evidence![0] as { id: string; deliveries: { settledBy?: string }[] };
  assert.equal(e.id, "b");
  assert.equal(e.deliveries[0].settledBy, "resume");
  // Not delivered again: exactly once.
  const once = unknownThenResume(11).op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  const ok = delivery(input(withInvokeValues(once)));
  assert.equal(ok.valid, true, ok.summary);
  assert.equal(ok.figures?.unknownDeliveriesHappened, 1);
});

Deno.test("delivered-once: an unknown delivery the resume settles as not happened must come again", () => {
  // Resumed after 10: b was not delivered, and nothing delivers it after the resume.
  const lost = unknownThenResume(10).op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  const r = delivery(input(withInvokeValues(lost)));
  assert.equal(r.valid, false, r.summary);
  assert.match(r.summary, /1 silently lost.*0 happened, 1 did not/);
  assert.equal((r.evidence![0] as { message: { id: string } }).message.id, "b");
  const again = unknownThenResume(10)
    .op("n2", "deliver", 700, 710, "ok", { messages: [msg("b", 11)] }, undefined, 2)
    .op("n2", "drain", 900, 910, "ok", {}, 20, 2);
  const ok = delivery(input(withInvokeValues(again)));
  assert.equal(ok.valid, true, ok.summary);
  assert.equal(ok.figures?.unknownDeliveriesNotHappened, 1);
});

Deno.test("delivered-once: an unknown delivery no resume follows stays unsettled: it may still excuse the loss", () => {
  // No restart after it: b may have arrived; the drain is the last word, nothing settles it.
  const h = base()
    .op("n2", "deliver", 120, 130, "ok", { messages: [msg("a", 10)] })
    .op("n2", "deliver", 220, 500, "info", { messages: [msg("b", 11)] })
    .op("n2", "drain", 900, 910, "ok", {}, 20);
  const r = delivery(input(withInvokeValues(h)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.unknownDeliveriesUnsettled, 1);
});
