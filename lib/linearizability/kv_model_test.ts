import assert from "node:assert/strict";
import { checkHistory } from "./check.ts";
import { kvModel } from "./kv_model.ts";
import type { KeyValue, KvInput, KvOutput } from "./kv_types.ts";
import { history, info, ok } from "./test_helpers.ts";

type K = [KvInput, KvOutput];
const kv = (value: string, c: number, m: number, version: number, lease?: string): KeyValue => ({
  key: "k",
  value,
  createRevision: c,
  modRevision: m,
  version,
  ...(lease ? { lease } : {}),
});
const put = (value: string, revision: number, lease?: string): K => [
  { f: "put", key: "k", value, ...(lease ? { lease } : {}) },
  { revision },
];
const get = (x: KeyValue | null, revision: number, serializable = false): K => [
  { f: "get", key: "k", ...(serializable ? { serializable } : {}) },
  { kv: x, revision },
];
const op = (c: string, a: number, b: number, [i, o]: K) => ok(c, a, b, i, o);
const verdict = (...ops: ReturnType<typeof op>[]) => checkHistory(kvModel, history(...ops)).verdict;

Deno.test("kv: puts and gets with fitting revisions are linearizable", () => {
  assert.equal(
    verdict(
      op("a", 0, 1, put("x", 2)),
      op("b", 2, 3, put("y", 3)),
      op("c", 4, 5, get(kv("y", 2, 3, 2), 3)),
    ),
    "linearizable",
  );
});

Deno.test("kv: a linearizable get may not be stale; a serializable one may", () => {
  const before = [op("a", 0, 1, put("x", 2)), op("b", 2, 3, put("y", 3))];
  assert.equal(verdict(...before, op("c", 4, 5, get(kv("x", 2, 2, 1), 2))), "not linearizable");
  assert.equal(verdict(...before, op("c", 4, 5, get(kv("x", 2, 2, 1), 2, true))), "linearizable");
  // A serializable get still sees one state: "x" at revision 3 never existed.
  assert.equal(
    verdict(...before, op("c", 4, 5, get(kv("x", 2, 2, 1), 3, true))),
    "not linearizable",
  );
});

Deno.test("kv: a write's revision must fit the global revision", () => {
  // Revision 2 after revision 3 had been answered: not newer.
  assert.equal(verdict(op("a", 0, 1, put("x", 3)), op("b", 2, 3, put("y", 2))), "not linearizable");
  // A version that skips: two applications of one put.
  assert.equal(
    verdict(op("a", 0, 1, put("x", 2)), op("c", 4, 5, get(kv("x", 2, 3, 2), 3))),
    "not linearizable",
  );
});

Deno.test("kv: an unknown put is pinned by the read that sees it", () => {
  const h = [
    op("a", 0, 1, put("x", 2)),
    info<KvInput, KvOutput>("b", 2, { f: "put", key: "k", value: "y" }),
    op("c", 10, 11, get(kv("y", 2, 5, 2), 6)),
  ];
  assert.equal(verdict(...h), "linearizable");
  assert.equal(verdict(...h, op("d", 12, 13, get(kv("y", 2, 4, 2), 6))), "not linearizable");
});

Deno.test("kv: revoking a lease deletes its keys and bumps the revision", () => {
  const revoke: K = [{ f: "revoke", lease: "7" }, { revision: 3 }];
  assert.equal(
    verdict(op("a", 0, 1, put("x", 2, "7")), op("b", 2, 3, revoke), op("c", 4, 5, get(null, 3))),
    "linearizable",
  );
  assert.equal(
    verdict(
      op("a", 0, 1, put("x", 2, "7")),
      op("b", 2, 3, revoke),
      op("c", 4, 5, get(kv("x", 2, 2, 1, "7"), 3)),
    ),
    "not linearizable",
  );
  // A put under the lease after its revoke returned must not succeed.
  assert.equal(
    verdict(
      op("a", 0, 1, put("x", 2, "7")),
      op("b", 2, 3, revoke),
      op("c", 4, 5, put("z", 4, "7")),
    ),
    "not linearizable",
  );
});

Deno.test("kv: a txn's compare decides its branch", () => {
  const txn = (
    value: string,
    succeeded: boolean,
    revision: number,
    elseKv?: KeyValue | null,
  ): K => [
    { f: "txn", key: "k", compare: { value }, then: { put: "new" } },
    { succeeded, revision, ...(elseKv !== undefined ? { kv: elseKv } : {}) },
  ];
  const first = op("a", 0, 1, put("x", 2));
  assert.equal(
    verdict(first, op("b", 2, 3, txn("x", true, 3)), op("c", 4, 5, get(kv("new", 2, 3, 2), 3))),
    "linearizable",
  );
  assert.equal(verdict(first, op("b", 2, 3, txn("other", true, 3))), "not linearizable");
  assert.equal(
    verdict(first, op("b", 2, 3, txn("other", false, 2, kv("x", 2, 2, 1)))),
    "linearizable",
  );
  assert.equal(
    verdict(first, op("b", 2, 3, txn("x", false, 2, kv("x", 2, 2, 1)))),
    "not linearizable",
  );
});

Deno.test("kv: a range is judged per key, absent keys included", () => {
  const range = (
    kvs: KeyValue[],
    revision: number,
  ): K => [{ f: "range", prefix: "" }, { kvs, revision }];
  const other: K = [{ f: "put", key: "j", value: "z" }, { revision: 3 }];
  const a = op("a", 0, 1, put("x", 2)), b = op("b", 2, 3, other);
  assert.equal(
    verdict(a, b, op("c", 4, 5, range([{ ...kv("z", 3, 3, 1), key: "j" }, kv("x", 2, 2, 1)], 3))),
    "linearizable",
  );
  // It left out "k", which existed at revision 3.
  assert.equal(
    verdict(a, b, op("c", 4, 5, range([{ ...kv("z", 3, 3, 1), key: "j" }], 3))),
    "not linearizable",
  );
});
