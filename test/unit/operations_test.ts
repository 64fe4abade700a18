import assert from "node:assert/strict";
import { operations } from "../../lib/history/event.ts";
import type { Completion, HistoryEvent, OpEvent } from "../../lib/history/event.ts";

const event = (type: "invoke" | Completion, op: number, time: number): OpEvent => ({
  kind: "op",
  type,
  op,
  node: "n1",
  incarnation: 1,
  f: "write",
  time,
});
const invoke = (op: number, time: number) => event("invoke", op, time);
const ok = (op: number, time: number) => event("ok", op, time);

Deno.test("operations: the pairing checkers share follows a history that grew since", () => {
  const history: HistoryEvent[] = [invoke(1, 0)];
  const before = operations(history);
  assert.equal(before.length, 1);
  assert.equal(before[0].outcome, "info", "no completion yet: unknown");
  assert.equal(operations(history), before, "the same history: the same pairing, not a new one");

  history.push(ok(1, 5), invoke(2, 6));
  const after = operations(history);
  assert.equal(after.length, 2);
  assert.equal(after[0].outcome, "ok", "the completion appended later is paired");
  assert.equal(after[1].outcome, "info");
  assert.deepEqual(operations([...history]), after, "a copy pairs the same way");
});
