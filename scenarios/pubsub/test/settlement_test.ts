/** Unknown deliveries settled by the subscriber's next resume, and the cases it cannot decide. */
import assert from "node:assert/strict";
import { resumeOf, settleDeliveries } from "../checks/settlement.ts";
import { operations } from "../../../lib/history/event.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";
import { withInvokeValues } from "../../../test/helpers/invoke_values.ts";

const m = (id: string, revision: number) => ({ id, revision });

/** Deliveries and resumes of n2 from a hand-built history. */
function settle(h: HistoryBuilder) {
  const ops = operations(withInvokeValues(h));
  const deliveries = ops.filter((o) => o.f === "deliver").map((op) => ({
    op,
    messages: (op.invoke.value as { messages: { id: string; revision: number }[] }).messages,
  }));
  const resumes = ops.filter((o) => o.f === "subscribe").flatMap((o) => resumeOf(o) ?? []);
  const s = settleDeliveries(deliveries, resumes);
  return deliveries.map((d) => s.get(d.op) ?? "unsettled");
}

Deno.test("settlement: the resume after an unknown delivery decides it, before, after or across it", () => {
  const at = (from: number) =>
    settle(
      new HistoryBuilder()
        .op("n2", "deliver", 100, 200, "info", { messages: [m("a", 10), m("b", 12)] })
        .op("n2", "subscribe", 300, 310, "ok", { from }, from, 2),
    )[0];
  assert.equal(at(12), "happened");
  assert.equal(at(30), "happened");
  assert.equal(at(9), "not-happened");
  assert.equal(at(11), "unsettled"); // it resumed between the two: part of it counted
});

Deno.test("settlement: another delivery of the same message, or no resume after it, leaves it unsettled", () => {
  const rival = settle(
    new HistoryBuilder()
      .op("n2", "deliver", 100, 200, "info", { messages: [m("a", 10)] })
      .op("n2", "deliver", 210, 220, "ok", { messages: [m("a", 10)] })
      .op("n2", "subscribe", 300, 310, "ok", { from: 10 }, 10, 2),
  );
  assert.deepEqual(rival, ["unsettled", "unsettled"]);
  const none = settle(
    new HistoryBuilder()
      .op("n2", "subscribe", 0, 10, "ok", { from: 5 }, 5)
      .op("n2", "deliver", 100, 200, "info", { messages: [m("a", 10)] }),
  );
  assert.deepEqual(none, ["unsettled"]);
  // A subscribe of the same incarnation while the delivery was still open is no resume after it.
  const open = settle(
    new HistoryBuilder()
      .op("n2", "deliver", 100, 400, "info", { messages: [m("a", 10)] })
      .op("n2", "subscribe", 300, 310, "ok", { from: 10 }, 10),
  );
  assert.deepEqual(open, ["unsettled"]);
});
