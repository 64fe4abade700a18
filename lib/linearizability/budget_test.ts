import assert from "node:assert/strict";
import { checkHistory } from "./check.ts";
import { generateRegister } from "./generate_register.ts";
import { registerModel } from "./register_model.ts";
import { generateKv } from "./generate_kv.ts";
import { kvModel } from "./kv_model.ts";
import { searchLinearization } from "./search.ts";

Deno.test("a search that runs out of budget answers unknown, never linearizable", () => {
  // 5 000 operations need at least 5 000 steps; the budget is gone before the first clock check.
  const g = generateRegister({ seed: 3, clients: 5, ops: 5000 });
  const res = checkHistory(registerModel, g.ops, { budgetMs: 0 });
  assert.equal(res.verdict, "unknown");
  assert.match(res.reason ?? "", /budget/);
  const search = searchLinearization(registerModel, g.ops, { deadline: performance.now() - 1 });
  assert.equal(search.kind, "timeout");
  // The same history with time to spare is linearizable.
  assert.equal(checkHistory(registerModel, g.ops, { budgetMs: 60_000 }).verdict, "linearizable");
});

Deno.test("out of budget in some partitions and a violation in another: not linearizable", () => {
  const g = generateKv({ seed: 3, clients: 5, ops: 400, anomaly: "revision-mismatch" });
  const res = checkHistory(kvModel, g.ops, { budgetMs: 0 });
  assert.equal(res.verdict, "not linearizable"); // the cross-key check needs no search
  assert.ok(res.partitions.some((p) => p.verdict === "unknown"));
});
