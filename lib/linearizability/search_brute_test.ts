/**
 * The search against brute force: on many small random histories (not built
 * to be linearizable) both must agree. Brute force tries every order that
 * respects real time, every state an op can lead to, and leaves unknown ops out
 * at will; no memo, no shortcuts. This guards the search's shortcuts (ops taken
 * at once, unseen values merged, the order choices are tried in).
 */
import assert from "node:assert/strict";
import { mulberry32 } from "../proc/random.ts";
import type { Model, Op } from "./model.ts";
import { checkHistory } from "./check.ts";
import { type RegisterInput, registerModel, type RegisterOutput } from "./register_model.ts";
import { kvModel } from "./kv_model.ts";
import type { KvInput, KvOutput } from "./kv_types.ts";

function brute<S, I, O>(model: Model<S, I, O>, ops: readonly Op<I, O>[]): boolean {
  const done = new Array(ops.length).fill(false);
  const go = (s: S): boolean => {
    if (ops.every((op, i) => done[i] || op.ret === Infinity)) return true;
    const minRet = Math.min(...ops.filter((_, i) => !done[i]).map((op) => op.ret));
    for (let i = 0; i < ops.length; i++) {
      if (done[i] || ops[i].call > minRet) continue;
      for (const next of model.step(s, ops[i].input, ops[i].output)) {
        done[i] = true;
        const ok = go(next);
        done[i] = false;
        if (ok) return true;
      }
    }
    return false;
  };
  return go(model.init());
}

function randomIntervals(rand: () => number, n: number): { call: number; ret: number }[] {
  return Array.from({ length: n }, () => {
    const call = Math.floor(rand() * 20);
    return { call, ret: call + 1 + Math.floor(rand() * 8) };
  });
}

Deno.test("search agrees with brute force on 600 small random register histories", () => {
  let not = 0;
  for (let seed = 1; seed <= 600; seed++) {
    const rand = mulberry32(seed);
    const n = 3 + Math.floor(rand() * 5);
    const ops: Op<RegisterInput, RegisterOutput>[] = randomIntervals(rand, n).map((t, id) => {
      const x = rand(), v = Math.floor(rand() * 3);
      const input: RegisterInput = x < 0.45
        ? { f: "read" }
        : x < 0.8
        ? { f: "write", value: v }
        : { f: "cas", from: Math.floor(rand() * 3), to: v };
      const unknown = input.f !== "read" && rand() < 0.2;
      return {
        id,
        client: `c${id}`,
        input,
        output: unknown ? undefined : input.f === "read" ? { value: rand() < 0.2 ? null : v } : {},
        call: t.call,
        ret: unknown ? Infinity : t.ret,
      };
    });
    const want = brute(registerModel, ops);
    const got = checkHistory(registerModel, ops).verdict;
    if (!want) not++;
    assert.equal(got, want ? "linearizable" : "not linearizable", `seed ${seed}`);
  }
  assert.ok(not > 50 && not < 550, `a mix of verdicts (${not} not linearizable)`);
});

Deno.test("search agrees with brute force on 600 small random one-key kv histories", () => {
  let not = 0;
  for (let seed = 1; seed <= 600; seed++) {
    const rand = mulberry32(seed);
    const n = 3 + Math.floor(rand() * 4);
    // A true one-key store, applied in random points inside the intervals, then one answer
    // changed half of the time.
    const slots = randomIntervals(rand, n).map((t) => ({
      ...t,
      lin: t.call + rand() * (t.ret - t.call),
    }));
    const order = slots.map((_, i) => i).sort((a, b) => slots[a].lin - slots[b].lin);
    let rev = 1;
    let cur = null as NonNullable<KvOutput["kv"]> | null;
    const ops: Op<KvInput, KvOutput>[] = new Array(n);
    for (const i of order) {
      const x = rand();
      const unknown = rand() < 0.15;
      const applies = !unknown || rand() < 0.5;
      let input: KvInput, output: KvOutput;
      const put = (value: string) => {
        rev++;
        cur = cur
          ? { ...cur, value, modRevision: rev, version: cur.version + 1 }
          : { key: "k", value, createRevision: rev, modRevision: rev, version: 1 };
      };
      if (x < 0.4) {
        input = { f: "get", key: "k" };
        output = { kv: cur, revision: rev };
      } else if (x < 0.7) {
        input = { f: "put", key: "k", value: `v${Math.floor(rand() * 2)}` };
        if (applies) put(input.value);
        output = { revision: rev };
      } else if (x < 0.85) {
        input = { f: "delete", key: "k" };
        const had = cur !== null;
        if (applies && had) {
          rev++;
          cur = null;
        }
        output = { deleted: had ? 1 : 0, revision: rev };
      } else {
        const m = rand() < 0.6 ? (cur?.modRevision ?? 0) : rev - 1;
        input = { f: "txn", key: "k", compare: { modRevision: m }, then: { put: "v1" } };
        const succeeded = (cur?.modRevision ?? 0) === m;
        const before = cur;
        if (succeeded && applies) put("v1");
        output = { succeeded, revision: rev, ...(succeeded ? {} : { kv: before }) };
      }
      ops[i] = {
        id: i,
        client: `c${i}`,
        input,
        output: unknown ? undefined : output,
        call: slots[i].call,
        ret: unknown ? Infinity : slots[i].ret,
      };
    }
    if (rand() < 0.5) {
      const victim = ops[Math.floor(rand() * n)];
      if (victim.output) {
        const o = { ...victim.output };
        if (o.revision !== undefined && rand() < 0.5) o.revision += rand() < 0.5 ? 1 : -1;
        else if (o.kv) o.kv = rand() < 0.5 ? null : { ...o.kv, value: o.kv.value + "x" };
        else if (o.succeeded !== undefined) o.succeeded = !o.succeeded;
        else if (o.deleted !== undefined) o.deleted = 1 - o.deleted;
        victim.output = o;
      }
    }
    const want = brute(kvModel, ops);
    const res = checkHistory(kvModel, ops);
    // The cross-key checks may reject more (e.g. a revision answered twice); the search never less.
    const searched = res.partitions.every((p) => p.verdict === "linearizable");
    if (!want) not++;
    assert.equal(searched, want, `seed ${seed}`);
  }
  assert.ok(not > 50 && not < 550, `a mix of verdicts (${not} not linearizable)`);
});
