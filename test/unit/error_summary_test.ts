/**
 * The commonest errors of unknown and failed operations, per call: counted
 * with ids and pids blanked, most frequent first, and shown by the console
 * summary (nothing shown when every operation was ok).
 */
import assert from "node:assert/strict";
import { commonErrors, countMisfits, errorKey } from "../../lib/report/error_summary.ts";
import { runSummary } from "../../lib/report/table.ts";
import { operations } from "../../lib/history/event.ts";
import type { HistoryEvent } from "../../lib/history/event.ts";
import type { RunResult } from "../../lib/report/result.ts";

/** A history of one op per row: [node, f, outcome, error]. */
function history(rows: [string, string, "ok" | "fail" | "info", string?][]): HistoryEvent[] {
  return rows.flatMap(([node, f, type, error], i) =>
    [
      { kind: "op", type: "invoke", op: i + 1, node, incarnation: 1, f, time: i * 10 },
      { kind: "op", type, op: i + 1, node, incarnation: 1, f, error, time: i * 10 + 5 },
    ] as HistoryEvent[]
  );
}

const typeError = (n: number) =>
  `ExecUnknownError: acquire: TypeError: unsupported operand (lock #${n}, pid ${4000 + n})`;

Deno.test("commonErrors: repeats of one error count as one, per call, commonest first", () => {
  const ops = operations(history([
    ["n1", "acquire", "info", typeError(1)],
    ["n2", "acquire", "info", typeError(2)],
    ["n1", "acquire", "info", typeError(3)],
    ["n1", "acquire", "ok"],
    ["n2", "write", "fail", "fenced: token 41 is stale"],
    ["n3", "release", "info", "no answer to release #9 within 4000 ms"],
    ["n3", "acquire", "fail", typeError(4)],
  ]));
  const errors = commonErrors(ops);
  assert.deepEqual(errors[0], {
    f: "acquire",
    outcome: "info",
    error: "ExecUnknownError: acquire: TypeError: unsupported operand (lock #…, pid …)",
    count: 3,
    nodes: 2,
  });
  assert.equal(errors.length, 4, "a fail of the same message is counted apart from the infos");
  assert.ok(
    errors.every((e) => e.count >= 1) && !errors.some((e) => e.f === "acquire" && e.count === 4),
  );
  assert.deepEqual(commonErrors(ops, 2).map((e) => e.count), [3, 1]);
  assert.deepEqual(commonErrors(operations(history([["n1", "acquire", "ok"]]))), []);
});

Deno.test("errorKey: blanks ids, pids and long numbers only", () => {
  assert.equal(errorKey("lease 7587862039457283107 gone at #12"), "lease … gone at #…");
  assert.equal(errorKey("within 4000 ms"), "within 4000 ms");
});

Deno.test("runSummary names the commonest errors, and says nothing of errors when there were none", () => {
  const base: RunResult = {
    version: 1,
    scenario: "lock",
    subject: "exec:python3 mine.py",
    cluster: { kind: "process", members: 3 },
    seed: 1,
    ttl: 2,
    durationMs: 10_000,
    faults: [],
    plan: [],
    skippedFaults: [],
    valid: "unknown",
    checks: [],
    stats: { operations: 980, ok: 216, fail: 0, info: 764, events: 1960 },
    dir: "/tmp/x",
    startedAt: "2026-01-01T00:00:00.000Z",
    elapsedMs: 1,
  };
  const text = runSummary({
    ...base,
    errors: [{ f: "acquire", outcome: "info", error: "TypeError: held", count: 764, nodes: 5 }],
  });
  assert.match(
    text,
    /commonest errors of exec:python3 mine\.py \(per call\):\n {2}acquire info ×764 \(5 nodes\): TypeError: held/,
  );
  assert.doesNotMatch(runSummary(base), /commonest errors/);
});

Deno.test("countMisfits counts the unknown outcomes of answers that misfit the schema, and the summary says so", () => {
  const misfit =
    "ExecUnknownError: write: answer to write does not fit docs/exec-protocol.schema.json: answer must have required property 'revision'";
  const ops = operations(history([
    ["n1", "write", "info", misfit],
    ["n2", "write", "info", misfit],
    ["n2", "write", "info", "no answer to write #3 within 4000 ms"],
    ["n3", "write", "fail", "fenced"],
  ]));
  assert.equal(countMisfits(ops), 2);
  const text = runSummary({
    version: 1,
    scenario: "lock",
    subject: "exec:x",
    cluster: { kind: "process", members: 3 },
    seed: 1,
    ttl: 2,
    durationMs: 1,
    faults: [],
    plan: [],
    skippedFaults: [],
    valid: "unknown",
    checks: [],
    stats: { operations: 4, ok: 0, fail: 1, info: 3, events: 8 },
    dir: "/tmp/x",
    startedAt: "2026-01-01T00:00:00.000Z",
    elapsedMs: 1,
    errors: commonErrors(ops),
    misfits: countMisfits(ops),
  });
  assert.match(
    text,
    /2 answer\(s\) or event\(s\) of exec:x does not fit docs\/exec-protocol\.schema\.json/,
  );
  assert.equal(countMisfits(operations(history([["n1", "write", "info", "timeout"]]))), 0);
});
