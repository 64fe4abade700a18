import assert from "node:assert/strict";
import { parseJepsenLog } from "./jepsen_log.ts";
import { InputError } from "./input_error.ts";
import { checkHistory } from "./check.ts";
import { registerModel } from "./register_model.ts";

const L = (...fields: string[]) => `INFO  jepsen.util - ${fields.join("\t")}`;

Deno.test("jepsen log: pairs invocations with completions; fail left out, info unknown", () => {
  const text = [
    "2017-01-01 INFO  jepsen.core - Running test",
    L("0", ":invoke", ":write", "3"),
    L("1", ":invoke", ":read", "nil"),
    L(":nemesis", ":info", ":start", "nil"),
    L("0", ":ok", ":write", "3"),
    L("1", ":ok", ":read", "3"),
    L("2", ":invoke", ":cas", "[3 4]"),
    L("2", ":fail", ":cas", "[3 4]"),
    L("3", ":invoke", ":cas", "[3 1]"),
    L("3", ":info", ":cas", "[3 1]", ":timed-out"),
    L("4", ":invoke", ":read", "nil"),
  ].join("\n");
  const ops = parseJepsenLog(text);
  assert.deepEqual(ops.map((o) => [o.client, o.input.f, o.ret === Infinity]), [
    ["0", "write", false],
    ["1", "read", false],
    ["3", "cas", true],
    ["4", "read", true],
  ]);
  assert.deepEqual(ops[1].output, { value: 3 });
  assert.deepEqual(ops[2].input, { f: "cas", from: 3, to: 1 });
  assert.equal(ops[0].source, "line 2");
  assert.equal(checkHistory(registerModel, ops).verdict, "linearizable");
});

Deno.test("jepsen log: an op line that cannot be read names its line and what was expected", () => {
  const cases: [string, RegExp][] = [
    [L("0", ":invoke", ":cas", "3 4"), /line 2: expected a cas value \[FROM TO\]/],
    [L("0", ":invoke", ":write", "x"), /line 2: expected the value written/],
    [L("0", ":ok", ":write", "1"), /line 2: .*no open :invoke/],
    [L("0", ":done", ":write", "1"), /line 2: expected :invoke, :ok, :fail or :info/],
  ];
  for (const [line, want] of cases) {
    assert.throws(() => parseJepsenLog(`something else\n${line}\n`), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.line, 2);
      assert.match(e.message, want);
      return true;
    });
  }
  assert.throws(
    () =>
      parseJepsenLog(
        [L("0", ":invoke", ":read", "nil"), L("0", ":invoke", ":read", "nil")].join("\n"),
      ),
    /line 2: process 0 invokes again/,
  );
});

Deno.test("jepsen log: a stale read in a log is not linearizable", () => {
  const text = [
    L("0", ":invoke", ":write", "1"),
    L("0", ":ok", ":write", "1"),
    L("0", ":invoke", ":write", "2"),
    L("0", ":ok", ":write", "2"),
    L("1", ":invoke", ":read", "nil"),
    L("1", ":ok", ":read", "1"),
  ].join("\n");
  assert.equal(checkHistory(registerModel, parseJepsenLog(text)).verdict, "not linearizable");
});
