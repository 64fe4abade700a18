import assert from "node:assert/strict";
import { MAX_PLANNED, planFaults } from "../chaos/schedule.ts";
import { FAULTS } from "../chaos/mod.ts";

const faults = FAULTS.filter((f) => ["kill-node", "pause-node", "partition-node"].includes(f.name));
const opts = { faults, durationMs: 60_000, intervalMs: 3000, seed: 42, ttlMs: 2000 };

Deno.test("schedule: the same seed gives the same plan, another seed another", () => {
  assert.deepEqual(planFaults(opts), planFaults(opts));
  assert.notDeepEqual(planFaults(opts), planFaults({ ...opts, seed: 43 }));
});

Deno.test("schedule: faults of one kind never overlap and all heal before the end", () => {
  for (let seed = 1; seed <= 50; seed++) {
    const plan = planFaults({ ...opts, seed });
    assert.ok(plan.length > 5, `seed ${seed}: only ${plan.length} faults in 60 s`);
    for (const p of plan) {
      assert.ok(p.at + p.holdMs <= opts.durationMs, `seed ${seed}: ${p.fault} ends late`);
    }
    for (const f of faults) {
      const mine = plan.filter((p) => p.fault === f.name).sort((a, b) => a.at - b.at);
      for (let i = 1; i < mine.length; i++) {
        assert.ok(
          mine[i].at >= mine[i - 1].at + mine[i - 1].holdMs,
          `seed ${seed}: two ${f.name} overlap`,
        );
      }
    }
  }
});

Deno.test("schedule: holds are drawn from each fault's range; no faults, no plan", () => {
  const plan = planFaults(opts);
  for (const p of plan) {
    const [lo, hi] = faults.find((f) => f.name === p.fault)!.holdMs(opts.ttlMs);
    assert.ok(
      p.holdMs >= lo && p.holdMs <= hi,
      `${p.fault} holds ${p.holdMs} outside [${lo}, ${hi}]`,
    );
  }
  assert.deepEqual(planFaults({ ...opts, faults: [] }), []);
});

Deno.test("schedule: an interval that would never advance is refused; any other is bounded", () => {
  for (const intervalMs of [0, -5, NaN, Infinity]) {
    assert.throws(() => planFaults({ ...opts, intervalMs }), RangeError, `interval ${intervalMs}`);
  }
  // The tiniest interval over the longest run: the loop stops at its bound, not at the end of time.
  const plan = planFaults({ ...opts, intervalMs: 0.001, durationMs: 24 * 3_600_000 });
  assert.ok(plan.length > 0 && plan.length <= MAX_PLANNED, `${plan.length} faults`);
});
