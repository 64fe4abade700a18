/**
 * The generated corpus: clean histories are linearizable, and every planted
 * anomaly is caught, small and large, in the register and kv models, also
 * after a round trip through the file formats the CLI reads.
 */
import assert from "node:assert/strict";
import { checkHistory } from "./check.ts";
import { generateRegister, REGISTER_ANOMALIES, toJepsenLog } from "./generate_register.ts";
import { registerModel } from "./register_model.ts";
import { parseJepsenLog } from "./jepsen_log.ts";
import { generateKv, KV_ANOMALIES } from "./generate_kv.ts";
import { kvModel } from "./kv_model.ts";
import { toKvNdjson } from "./kv_ndjson.ts";
import { kvOpsFromHistory, parseHistoryText } from "./kv_history.ts";

// Generous: a verdict or a window cut short by a loaded machine would make these tests flaky.
const BUDGET = { budgetMs: 60_000, evidenceBudgetMs: 60_000 };

Deno.test("register corpus: clean histories are linearizable", () => {
  for (const [clients, ops] of [[3, 50], [5, 2000], [20, 2000], [10, 10_000]]) {
    for (const seed of [1, 2]) {
      const g = generateRegister({ seed, clients, ops });
      assert.equal(
        checkHistory(registerModel, g.ops, BUDGET).verdict,
        "linearizable",
        `${clients}×${ops} seed ${seed}`,
      );
      const parsed = parseJepsenLog(toJepsenLog(g.records, clients));
      assert.equal(
        checkHistory(registerModel, parsed, BUDGET).verdict,
        "linearizable",
        `log of seed ${seed}`,
      );
    }
  }
});

Deno.test("register corpus: every planted anomaly is caught, small and large", () => {
  for (const anomaly of REGISTER_ANOMALIES) {
    for (const [clients, ops] of [[3, 10], [10, 3000]]) {
      const g = generateRegister({ seed: 11, clients, ops, anomaly });
      const res = checkHistory(registerModel, g.ops, BUDGET);
      assert.equal(res.verdict, "not linearizable", `${anomaly} in ${ops}`);
      const w = res.partitions[0].window;
      assert.ok(w && w.inside.length <= 4, `${anomaly}: a small window (${w?.inside.length})`);
      const parsed = parseJepsenLog(toJepsenLog(g.records, clients));
      assert.equal(
        checkHistory(registerModel, parsed, BUDGET).verdict,
        "not linearizable",
        `${anomaly} as a log`,
      );
    }
  }
});

Deno.test("kv corpus: clean histories are linearizable", () => {
  for (const [clients, ops] of [[3, 50], [5, 2000], [20, 2000]]) {
    for (const seed of [1, 2]) {
      const g = generateKv({ seed, clients, ops });
      const res = checkHistory(kvModel, g.ops, BUDGET);
      assert.equal(
        res.verdict,
        "linearizable",
        `${clients}×${ops} seed ${seed}: ${JSON.stringify(res.cross)}`,
      );
      const back = kvOpsFromHistory(parseHistoryText(toKvNdjson(g.records)));
      assert.equal(
        checkHistory(kvModel, back.ops, BUDGET).verdict,
        "linearizable",
        `ndjson of seed ${seed}`,
      );
    }
  }
});

Deno.test("kv corpus: every planted anomaly is caught, small and large", () => {
  for (const anomaly of KV_ANOMALIES) {
    for (const [clients, ops] of [[3, 10], [10, 2000]]) {
      const g = generateKv({ seed: 11, clients, ops, anomaly });
      const res = checkHistory(kvModel, g.ops, BUDGET);
      assert.equal(res.verdict, "not linearizable", `${anomaly} in ${ops}`);
      const back = kvOpsFromHistory(parseHistoryText(toKvNdjson(g.records)));
      assert.equal(
        checkHistory(kvModel, back.ops, BUDGET).verdict,
        "not linearizable",
        `${anomaly} as ndjson`,
      );
    }
  }
});

Deno.test("kv corpus: a revision that does not fit is named across keys", () => {
  const g = generateKv({ seed: 4, clients: 5, ops: 400, anomaly: "revision-mismatch" });
  const res = checkHistory(kvModel, g.ops, BUDGET);
  assert.ok(
    res.cross.some((c) => /a write's revision must be newer/.test(c.message)),
    JSON.stringify(res.cross),
  );
});
