import assert from "node:assert/strict";
import { kvOpsFromHistory, parseHistoryText } from "./kv_history.ts";
import { InputError } from "./input_error.ts";
import { checkHistory } from "./check.ts";
import { kvModel } from "./kv_model.ts";

const ev = (o: Record<string, unknown>) => JSON.stringify({ kind: "op", incarnation: 1, ...o });
const lines = (...xs: string[]) => xs.join("\n") + "\n";

Deno.test("kv history: reads the scenario's events into operations", () => {
  const text = lines(
    JSON.stringify({ kind: "phase", phase: "workload", time: 0 }),
    ev({ type: "invoke", op: 1, node: "n1", f: "put", value: { key: "k", value: "a" }, time: 1 }),
    ev({ type: "ok", op: 1, node: "n1", f: "put", value: {}, revision: 2, time: 2 }),
    ev({ type: "invoke", op: 1, node: "n2", f: "get", value: { key: "k" }, time: 3 }),
    ev({
      type: "ok",
      op: 1,
      node: "n2",
      f: "get",
      value: { key: "k", value: "a", createRevision: 2, modRevision: 2, version: 1 },
      revision: 2,
      time: 4,
    }),
    ev({ type: "invoke", op: 2, node: "n1", f: "delete", value: { key: "k" }, time: 5 }),
    ev({ type: "fail", op: 2, node: "n1", f: "delete", error: "refused", time: 6 }),
    ev({ type: "invoke", op: 3, node: "n1", f: "grant", value: { ttl: 5 }, time: 7 }),
    ev({ type: "ok", op: 3, node: "n1", f: "grant", value: { lease: "7587", ttl: 5 }, time: 8 }),
    ev({
      type: "invoke",
      op: 4,
      node: "n1",
      f: "put",
      value: { key: "k", value: "b", lease: "7587" },
      time: 9,
    }),
    ev({ type: "info", op: 4, node: "n1", f: "put", error: "timed out", time: 10 }),
    ev({ type: "invoke", op: 9, node: "n3", f: "acquire", value: {}, time: 11 }),
  );
  const { ops, skipped } = kvOpsFromHistory(parseHistoryText(text));
  assert.equal(skipped, 1);
  assert.deepEqual(ops.map((o) => [o.input.f, o.ret === Infinity]), [
    ["put", false],
    ["get", false],
    ["grant", false],
    ["put", true],
    ["revoke", true], // the lease may expire on its own after its TTL
  ]);
  assert.equal(ops[4].call, 7 + 5000);
  assert.equal(ops[1].source, "line 4");
  assert.deepEqual(ops[1].output?.kv?.value, "a");
  assert.equal(checkHistory(kvModel, ops).verdict, "linearizable");
});

Deno.test("kv history: an event that cannot be read names its line and what was expected", () => {
  const cases: [string, RegExp][] = [
    ["{not json", /line 2: expected one JSON event per line/],
    [
      ev({ type: "invoke", op: 1, node: "n", f: "put", value: { key: 1 }, time: 1 }),
      /line 2: expected a put's value \{key, value/,
    ],
    [
      ev({ type: "invoke", op: 1, node: "n", f: "txn", value: { key: "k" }, time: 1 }),
      /line 2: expected a txn's value/,
    ],
  ];
  for (const [line, want] of cases) {
    const text = lines(JSON.stringify({ kind: "phase", phase: "x", time: 0 }), line);
    assert.throws(() => kvOpsFromHistory(parseHistoryText(text)), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.line, 2);
      assert.match(e.message, want);
      return true;
    });
  }
  const badAnswer = lines(
    ev({ type: "invoke", op: 1, node: "n", f: "get", value: { key: "k" }, time: 1 }),
    ev({ type: "ok", op: 1, node: "n", f: "get", value: { key: "k", value: "a" }, time: 2 }),
  );
  assert.throws(
    () => kvOpsFromHistory(parseHistoryText(badAnswer)),
    /line 2: expected a get's answer/,
  );
});

Deno.test("kv history: a put answered after another's revision, but older, is caught", () => {
  const text = lines(
    ev({ type: "invoke", op: 1, node: "n1", f: "put", value: { key: "a", value: "1" }, time: 1 }),
    ev({ type: "ok", op: 1, node: "n1", f: "put", value: {}, revision: 5, time: 2 }),
    ev({ type: "invoke", op: 1, node: "n2", f: "put", value: { key: "b", value: "2" }, time: 3 }),
    ev({ type: "ok", op: 1, node: "n2", f: "put", value: {}, revision: 4, time: 4 }),
  );
  const res = checkHistory(kvModel, kvOpsFromHistory(parseHistoryText(text)).ops);
  assert.equal(res.verdict, "not linearizable");
  assert.match(res.cross[0].message, /must be newer/);
});
