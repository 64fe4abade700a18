/**
 * The `linearizable` check in the shape of the project's checkers, for the
 * `kv` scenario: its operations (see README.md) judged against the kv model
 * within a time budget. A search that runs out is `unknown`, never valid;
 * a history with no kv operation judged nothing and is `unknown` too.
 */
import type { BuiltinChecker, CheckInput, JudgedResult } from "../checks/checker.ts";
import { checkHistory } from "./check.ts";
import { kvModel } from "./kv_model.ts";
import { kvOpsFromHistory } from "./kv_history.ts";
import { formatResult } from "./format_text.ts";

/** Options of {@link linearizableChecker}. */
export interface LinearizableCheckerOptions {
  /** Search time budget, ms (default 30 000). */
  budgetMs?: number;
}

/** The linearizability check of a kv history. */
export function linearizableChecker(options: LinearizableCheckerOptions = {}): BuiltinChecker {
  return {
    name: "linearizable",
    description:
      "every kv operation (get, range, put, delete, txn, lease) fits one order that respects real time and etcd's revisions",
    check(input: CheckInput): JudgedResult {
      const events = input.history.map((event, i) => ({ event, line: i + 1 }));
      const { ops } = kvOpsFromHistory(events);
      const r = checkHistory(kvModel, ops, { budgetMs: options.budgetMs ?? 30_000 });
      const bad = r.partitions.filter((p) => p.verdict === "not linearizable");
      return {
        valid: r.verdict === "linearizable"
          ? true
          : r.verdict === "not linearizable"
          ? false
          : "unknown",
        summary: r.verdict === "linearizable"
          ? `${r.ops} operations on ${r.partitions.length} keys fit one order`
          : r.verdict === "unknown"
          ? `unknown: ${r.reason ?? "not decided"}`
          : formatResult(r).split("\n").slice(0, 2).join("; ").trim(),
        judged: r.verdict === "unknown" ? 0 : r.ops,
        evidence: [
          ...r.cross,
          ...bad.map((p) => ({ key: p.name, stuck: p.stuck, window: p.window })),
        ],
        figures: {
          operations: r.ops,
          keys: r.partitions.length,
          searchMs: Math.round(r.elapsedMs),
          keysNotLinearizable: bad.length,
        },
      };
    },
  };
}
