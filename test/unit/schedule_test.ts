import assert from "node:assert/strict";
import { MAX_PLANNED, planFaults } from "../../lib/faults/schedule.ts";
import { FAULTS } from "../../chaos/mod.ts";

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

const mixed = FAULTS.filter((f) =>
  ["kill-node", "pause-node", "partition-node", "kill-lease", "kill-member", "partition"]
    .includes(f.name)
);
const groups = [
  { faults: ["kill-node", "pause-node", "partition-node"] },
  { faults: ["kill-lease", "pause-node"], role: "service" },
  { faults: ["kill-node", "kill-lease"], role: "participant" },
];

Deno.test("schedule: a plan mixing member and node faults opens with solo windows covering every group", () => {
  for (let seed = 1; seed <= 50; seed++) {
    const o = { ...opts, faults: mixed, durationMs: 30_000, seed, solo: groups };
    const plan = planFaults(o);
    const solo = plan.filter((p) => p.solo);
    for (const g of groups) {
      const covering = solo.find((p) =>
        g.faults.includes(p.fault) && (g.role === undefined || g.role === p.role)
      );
      assert.ok(covering, `seed ${seed}: no solo window for ${JSON.stringify(g)}`);
    }
    // As few as cover the groups: two roles need two windows, one of which covers the first group.
    assert.equal(solo.length, 2, `seed ${seed}: ${JSON.stringify(solo)}`);
    for (const s of solo) {
      const [lo, hi] = mixed.find((f) => f.name === s.fault)!.holdMs(o.ttlMs);
      assert.ok(s.holdMs >= Math.min(hi, Math.max(lo, o.ttlMs + 2000)), `${s.fault} too short`);
      // Nothing else holds during it, or starts until the node has recovered.
      const quietUntil = s.at + Math.max(s.holdMs + o.ttlMs + 2000, 2 * o.ttlMs + 3000);
      for (const p of plan) {
        if (p === s) continue;
        const overlaps = p.at < quietUntil && p.at + p.holdMs > s.at;
        assert.ok(!overlaps, `seed ${seed}: ${p.fault} at ${p.at} overlaps solo ${s.fault}`);
      }
    }
    assert.ok(plan.some((p) => !p.solo), `seed ${seed}: no mixed faults after the solo windows`);
  }
});

Deno.test("schedule: a plan of node faults alone opens with its solo window too; no groups, none", () => {
  const pauses = FAULTS.filter((f) => f.name === "pause-node");
  const group = [{ faults: ["kill-node", "pause-node"], role: "contender" }];
  for (let seed = 1; seed <= 20; seed++) {
    const o = { ...opts, faults: pauses, durationMs: 20_000, seed };
    const first = planFaults({ ...o, solo: group })[0];
    assert.equal(first.solo, true, `seed ${seed}: ${JSON.stringify(first)}`);
    assert.equal(first.role, "contender");
    assert.ok(first.holdMs >= o.ttlMs + 2000, `seed ${seed}: ${first.holdMs} ms`);
    assert.ok(planFaults(o).every((p) => !p.solo), `seed ${seed}: solo without groups`);
  }
});
