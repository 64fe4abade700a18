/** --faults-file: a hand-written schedule is used as written, and a bad one is refused with what to fix. */
import assert from "node:assert/strict";
import { loadPlanFile, parsePlanFile, planFaultNames } from "../../lib/faults/plan_file.ts";
import type { PlanFileOptions } from "../../lib/faults/plan_file.ts";
import { CATALOGUE, FAULTS } from "../../chaos/mod.ts";
import { UsageError } from "../../lib/proc/errors.ts";

const OPTS: PlanFileOptions = {
  faults: FAULTS,
  durationMs: 30_000,
  ttlMs: 2000,
  seed: 42,
  source: "plan.json",
};

const parse = (value: unknown, o: Partial<PlanFileOptions> = {}) =>
  parsePlanFile(typeof value === "string" ? value : JSON.stringify(value), { ...OPTS, ...o });

/** Asserts a UsageError with one line matching `pattern`. */
function refuses(value: unknown, pattern: RegExp, o: Partial<PlanFileOptions> = {}): void {
  assert.throws(() => parse(value, o), (e: unknown) => {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
    assert.ok(!e.message.includes("\n"), `one line expected: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("plan file: offsets and holds in strings or ms are used exactly", () => {
  const plan = parse([
    { at: "5s", fault: "isolate-leader", hold: "3s" },
    { at: 12000, fault: "kill-member", holdMs: 2500 },
    { at: "1.5m", fault: "compact" },
    { at: "250ms", fault: "partition", hold: "0.5s" },
  ], { durationMs: 120_000 });
  assert.deepEqual(
    plan.map(({ id, at, fault, holdMs }) => ({ id, at, fault, holdMs })),
    [
      { id: 1, at: 5000, fault: "isolate-leader", holdMs: 3000 },
      { id: 2, at: 12000, fault: "kill-member", holdMs: 2500 },
      { id: 3, at: 90000, fault: "compact", holdMs: 0 },
      { id: 4, at: 250, fault: "partition", holdMs: 500 },
    ],
  );
  assert.deepEqual(planFaultNames(plan), ["isolate-leader", "kill-member", "compact", "partition"]);
});

Deno.test("plan file: without a hold a fault holds for its shortest hold at the TTL", () => {
  const [p] = parse([{ at: "1s", fault: "isolate-member" }]);
  const [lo] = FAULTS.find((f) => f.name === "isolate-member")!.holdMs(OPTS.ttlMs);
  assert.equal(p.holdMs, lo);
});

Deno.test("plan file: target seeds come from the run seed (same seed, same targets)", () => {
  const entries = [{ at: "1s", fault: "kill-member" }, { at: "2s", fault: "kill-member" }];
  assert.deepEqual(parse(entries), parse(entries));
  assert.notDeepEqual(
    parse(entries).map((p) => p.seed),
    parse(entries, { seed: 7 }).map((p) => p.seed),
  );
  const [a, b] = parse(entries);
  assert.notEqual(a.seed, b.seed);
});

Deno.test("plan file: an empty array is a run without faults", () => {
  assert.deepEqual(parse([]), []);
});

Deno.test("plan file: an unknown fault is refused with the names to choose from", () => {
  refuses(
    [{ at: "1s", fault: "kill-member" }, { at: "2s", fault: "meteor" }],
    /^--faults-file plan\.json entry 2 has unknown fault "meteor": set "fault" to one of .*kill-member.*compact/,
  );
  refuses([{ at: "1s" }], /entry 1 names no fault/);
});

Deno.test("plan file: negative or non-numeric offsets are refused with the form to use", () => {
  for (const at of [-5, "-5s", "soon", "5", "5 seconds", null, true, "5h"]) {
    refuses(
      [{ at, fault: "compact" }],
      /entry 1: offset .* is not a duration ≥ 0: write it like "5s"/,
    );
  }
  refuses([{ fault: "compact" }], /entry 1 has no "at"/);
});

Deno.test("plan file: an offset at or beyond --duration is refused", () => {
  refuses(
    [{ at: "40s", fault: "compact" }],
    /entry 1: offset 40s is not before the end of --duration 30s: start it earlier or lengthen --duration/,
  );
  refuses([{ at: 30_000, fault: "compact" }], /not before the end of --duration 30s/);
  assert.equal(parse([{ at: 29_999, fault: "compact" }]).length, 1);
});

Deno.test("plan file: bad holds, both holds, and unknown fields are refused", () => {
  refuses(
    [{ at: "1s", fault: "kill-member", hold: -3 }],
    /hold -3 is not valid: write it like "3s"/,
  );
  refuses(
    [{ at: "1s", fault: "kill-member", holdMs: "3s" }],
    /holdMs "3s" is not valid: write it like a number of ms/,
  );
  refuses(
    [{ at: "1s", fault: "kill-member", hold: "3s", holdMs: 3000 }],
    /both "hold" and "holdMs": keep one/,
  );
  refuses(
    [{ at: "1s", fault: "kill-member", hodl: "3s" }],
    /unknown field "hodl": use only at, fault, hold, holdMs/,
  );
});

Deno.test("plan file: text that is not a JSON array of objects is refused", () => {
  refuses("[{at: 1}", /plan\.json is not JSON \(.*\): write an array like/);
  refuses({ at: "1s", fault: "compact" }, /must hold a JSON array of faults/);
  refuses(["kill-member"], /entry 1 is not an object/);
});

Deno.test("plan file: a missing file is refused with what to give", async () => {
  await assert.rejects(
    loadPlanFile("/no/such/plan.json", { ...OPTS, catalogue: CATALOGUE }),
    (e: unknown) =>
      e instanceof UsageError &&
      /--faults-file \/no\/such\/plan\.json: cannot read it \(no such file\)/.test(e.message),
  );
});

Deno.test("plan file: too many faults, or a hold past the longest run, are refused", () => {
  const many = Array.from({ length: 10_001 }, () => ({ at: "1s", fault: "compact" }));
  refuses(many, /holds 10001 faults: at most 10000/);
  refuses(
    [{ at: "1s", fault: "kill-member", hold: "1500m" }],
    /entry 1: hold "1500m" is longer than/,
  );
  refuses(
    [{ at: "1s", fault: "kill-member", holdMs: 1e12 }],
    /entry 1: holdMs 1000000000000 is longer/,
  );
});
