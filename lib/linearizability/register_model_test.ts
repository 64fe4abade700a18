import assert from "node:assert/strict";
import { checkHistory } from "./check.ts";
import { type RegisterInput, registerModel, type RegisterOutput } from "./register_model.ts";
import { history, info, ok } from "./test_helpers.ts";

type R = [RegisterInput, RegisterOutput];
const w = (v: number): R => [{ f: "write", value: v }, {}];
const r = (v: number | null): R => [{ f: "read" }, { value: v }];
const cas = (from: number, to: number): R => [{ f: "cas", from, to }, {}];
const op = (c: string, a: number, b: number, [i, o]: R) => ok(c, a, b, i, o);

Deno.test("register: concurrent write and reads of either value are linearizable", () => {
  const h = history(
    op("a", 0, 10, w(1)),
    op("b", 1, 3, r(null)),
    op("c", 2, 12, r(1)),
    op("b", 4, 6, r(null)),
  );
  assert.equal(checkHistory(registerModel, h).verdict, "linearizable");
});

Deno.test("register: a read of the old value after the write returned is not linearizable", () => {
  const h = history(op("a", 0, 1, w(1)), op("b", 2, 3, r(null)));
  const res = checkHistory(registerModel, h);
  assert.equal(res.verdict, "not linearizable");
  assert.deepEqual(res.partitions[0].window?.inside.map((o) => o.id), [0, 1]);
  assert.equal(res.partitions[0].stuck?.id, 1);
});

Deno.test("register: reads that disagree about the order of two writes are not linearizable", () => {
  const h = history(
    op("a", 0, 10, w(1)),
    op("b", 0, 10, w(2)),
    op("c", 11, 12, r(1)),
    op("d", 13, 14, r(2)),
    op("e", 15, 16, r(1)),
  );
  assert.equal(checkHistory(registerModel, h).verdict, "not linearizable");
});

Deno.test("register: a repeated value may be written again later (no false alarm)", () => {
  // The second write of 1 must go after the write of 2; forcing it early would be wrong.
  const h = history(
    op("a", 0, 1, w(1)),
    op("b", 2, 20, w(1)),
    op("c", 3, 4, w(2)),
    op("d", 5, 6, r(2)),
    op("e", 21, 22, r(1)),
  );
  assert.equal(checkHistory(registerModel, h).verdict, "linearizable");
});

Deno.test("register: a cas succeeds only on its expected value", () => {
  const good = history(op("a", 0, 1, w(1)), op("b", 2, 3, cas(1, 2)), op("c", 4, 5, r(2)));
  assert.equal(checkHistory(registerModel, good).verdict, "linearizable");
  const bad = history(op("a", 0, 1, w(1)), op("b", 2, 3, cas(3, 2)), op("c", 4, 5, r(2)));
  assert.equal(checkHistory(registerModel, bad).verdict, "not linearizable");
});

Deno.test("register: an unknown write may take effect late, or never", () => {
  const late = history(
    op("a", 0, 1, w(1)),
    info<RegisterInput, RegisterOutput>("b", 2, { f: "write", value: 2 }),
    op("c", 3, 4, r(1)),
    op("d", 50, 51, r(2)),
  );
  assert.equal(checkHistory(registerModel, late).verdict, "linearizable");
  const never = history(
    op("a", 0, 1, w(1)),
    info<RegisterInput, RegisterOutput>("b", 2, { f: "write", value: 2 }),
    op("c", 50, 51, r(1)),
  );
  assert.equal(checkHistory(registerModel, never).verdict, "linearizable");
  const before = history(
    op("c", 0, 1, r(2)),
    info<RegisterInput, RegisterOutput>("b", 2, { f: "write", value: 2 }),
  );
  assert.equal(checkHistory(registerModel, before).verdict, "not linearizable");
});

Deno.test("register: an empty history judges nothing: unknown", () => {
  const res = checkHistory(registerModel, []);
  assert.equal(res.verdict, "unknown");
  assert.match(res.reason ?? "", /no operation/);
});
