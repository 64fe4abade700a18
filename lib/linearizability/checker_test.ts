import assert from "node:assert/strict";
import type { HistoryEvent } from "../history/event.ts";
import { linearizableChecker } from "./checker.ts";
import { generateKv } from "./generate_kv.ts";
import { toKvNdjson } from "./kv_ndjson.ts";

const historyOf = (anomaly?: "stale-read") =>
  toKvNdjson(generateKv({ seed: 9, clients: 4, ops: 300, anomaly }).records).trim().split("\n")
    .map((l) => JSON.parse(l) as HistoryEvent);
const input = (history: HistoryEvent[]) => ({ history, final: null, ttlMs: 2000, params: {} });

Deno.test("linearizable checker: a clean kv history is valid, a stale read invalid", () => {
  const c = linearizableChecker();
  const good = c.check(input(historyOf()));
  assert.equal(good.valid, true, good.summary);
  assert.ok(good.judged > 0);
  const bad = c.check(input(historyOf("stale-read")));
  assert.equal(bad.valid, false);
  assert.match(bad.summary, /not linearizable/);
  assert.ok((bad.evidence ?? []).length > 0);
});

Deno.test("linearizable checker: no kv operation, or no time, is unknown", () => {
  const c = linearizableChecker();
  assert.equal(c.check(input([])).valid, "unknown");
  assert.equal(linearizableChecker({ budgetMs: 0 }).check(input(historyOf())).valid, "unknown");
});
