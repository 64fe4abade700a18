import assert from "node:assert/strict";
import { keysBelow, KeyTimeline } from "../../lib/history/key_log.ts";
import type { KeyLog, KeyState } from "../../lib/history/key_log.ts";

const log: KeyLog = {
  prefix: "/p/",
  from: 5,
  to: 20,
  initial: [{ key: "a", value: "1", createRevision: 3, modRevision: 3, lease: "0" }],
  events: [
    { revision: 7, type: "put", key: "b", value: "x", createRevision: 7, lease: "9" },
    // One transaction: both changes apply at revision 9 together.
    { revision: 9, type: "put", key: "a", value: "2", createRevision: 3 },
    { revision: 9, type: "delete", key: "b" },
    { revision: 12, type: "put", key: "a", value: "1", createRevision: 3 },
  ],
};

Deno.test("key log: the state at any covered revision, nothing outside", () => {
  const t = new KeyTimeline(log);
  assert.equal(t.at(4), undefined);
  assert.equal(t.at(21), undefined);
  assert.deepEqual([...t.at(5)!.keys()], ["a"]);
  assert.deepEqual([...t.at(8)!.keys()].sort(), ["a", "b"]);
  assert.equal(t.at(8)!.get("b")!.lease, "9");
  assert.deepEqual([...t.at(9)!.keys()], ["a"]);
  assert.equal(t.at(9)!.get("a")!.value, "2");
  assert.equal(t.at(20)!.get("a")!.value, "1");
  assert.deepEqual(t.revisions, [5, 7, 9, 12]);
});

Deno.test("key log: holding lists where a predicate starts or keeps holding, clipped", () => {
  const t = new KeyTimeline(log);
  const a1 = (s: KeyState) => s.get("a")?.value === "1";
  assert.deepEqual(t.holding(1, 30, a1), [5, 7, 12]);
  assert.deepEqual(t.holding(6, 11, a1), [6, 7]);
  assert.deepEqual(t.holding(9, 11, a1), []);
  assert.deepEqual(keysBelow(t.at(8)!, "b").map((kv) => kv.key), ["b"]);
});

Deno.test("key log: the last change of a key at a revision, and its next put of a value", () => {
  const t = new KeyTimeline(log);
  assert.deepEqual(t.lastChange("b", 8), { type: "put", revision: 7 });
  assert.deepEqual(t.lastChange("b", 15), { type: "delete", revision: 9 });
  assert.deepEqual(t.lastChange("a", 11), { type: "put", revision: 9 });
  assert.equal(t.lastChange("a", 6), undefined); // put before the record began
  assert.equal(t.lastChange("a", 30), undefined); // not covered
  assert.deepEqual(t.nextPut("a", 5, (kv) => kv.value === "1"), { type: "put", revision: 12 });
  // "a"=1 at the record's start was put at 3, before it: not a put the record saw.
  assert.deepEqual(t.nextPut("a", 1, (kv) => kv.value === "1"), { type: "put", revision: 12 });
  assert.equal(t.nextPut("a", 12, (kv) => kv.value === "1"), undefined);
});

Deno.test("key log: a key's state before the record began is known back to its mod revision", () => {
  const t = new KeyTimeline(log);
  assert.equal(t.keyAt("a", 4)!.kv!.value, "1"); // put at 3, unchanged until the record's start at 5
  assert.equal(t.keyAt("a", 3)!.kv!.modRevision, 3);
  assert.equal(t.keyAt("a", 2), undefined); // before its put: unknown
  assert.equal(t.keyAt("b", 4), undefined); // absent at the start: it may have been deleted
  assert.equal(t.keyAt("b", 8)!.kv!.value, "x");
  assert.deepEqual(t.keyAt("b", 10), { kv: undefined });
  assert.equal(t.keyAt("a", 21), undefined);
});
