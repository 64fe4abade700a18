/**
 * Every fault the user names runs, where it is aimed, and a plan replays: the planner places what
 * the draw left out, says what has no room, aims `fault@role`, the plan file reads results.json's
 * own plan back, and `faults-ran` is unknown (never valid) when a named fault did not run.
 */
import assert from "node:assert/strict";
import { choiceName, planRun } from "../../lib/faults/schedule.ts";
import type { FaultChoice } from "../../lib/faults/schedule.ts";
import { resolveChoices, splitFaultEntry } from "../../lib/faults/choices.ts";
import { parsePlanFile } from "../../lib/faults/plan_file.ts";
import { faultsRanCheck } from "../../lib/faults/faults_ran.ts";
import { CATALOGUE, FAULTS } from "../../chaos/mod.ts";

const fault = (name: string) => FAULTS.find((f) => f.name === name)!;
const choices = (...names: string[]): FaultChoice[] =>
  names.map((n) => ({ fault: fault(splitFaultEntry(n).name), role: splitFaultEntry(n).role }));
const base = { durationMs: 25_000, intervalMs: 3000, ttlMs: 2000 };

Deno.test("named faults: each named fault is planned on every seed that has room", () => {
  const named = choices("flap-node", "reset-node", "kill-lease", "kill-node");
  for (let seed = 1; seed <= 40; seed++) {
    const { plan, unfit } = planRun({
      ...base,
      seed,
      faults: named.map((c) => c.fault),
      solo: [{ faults: ["kill-node", "kill-lease"], role: "service" }],
    });
    assert.deepEqual(unfit, [], `seed ${seed}`);
    for (const c of named) {
      assert.ok(plan.some((p) => p.fault === c.fault.name), `seed ${seed}: ${choiceName(c)}`);
    }
    assert.deepEqual(plan.map((p) => p.id), plan.map((_, i) => i + 1));
    for (let i = 1; i < plan.length; i++) assert.ok(plan[i].at >= plan[i - 1].at);
  }
});

Deno.test("named faults: member faults that hold the members never overlap; the rest say what would fit", () => {
  const named = choices(
    "kill-member",
    "pause-member",
    "isolate-member",
    "partition",
    "kill-leader",
  );
  const o = { ...base, faults: named.map((c) => c.fault) };
  for (let seed = 1; seed <= 20; seed++) {
    const { plan } = planRun({ ...o, durationMs: 60_000, seed });
    const sorted = [...plan].sort((a, b) => a.at - b.at);
    for (let i = 1; i < sorted.length; i++) {
      assert.ok(sorted[i].at >= sorted[i - 1].at + sorted[i - 1].holdMs, `seed ${seed}: overlap`);
    }
  }
  const { plan, unfit } = planRun({ ...o, durationMs: 6000, seed: 1 });
  assert.ok(unfit.length > 0 && plan.length + unfit.length >= 5);
  for (const u of unfit) assert.ok(u.needsMs > 6000, `${u.name} needs ${u.needsMs}`);
  const longer = Math.max(...unfit.map((u) => u.needsMs));
  assert.deepEqual(planRun({ ...o, durationMs: longer + 20_000, seed: 1 }).unfit, []);
});

Deno.test("named faults: fault@role aims the plan; roles and member faults are checked", () => {
  const caps = { kind: "process", canControlMembers: true };
  const roles = ["service", "discoverer"];
  const r = resolveChoices(["flap-node@discoverer", "kill-node@service", "kill-node"], {
    catalogue: CATALOGUE,
    capabilities: caps,
    roles,
  });
  assert.deepEqual(r.faults.map((f) => f.name), ["flap-node", "kill-node"]);
  assert.deepEqual(r.choices.map(choiceName), [
    "flap-node@discoverer",
    "kill-node@service",
    "kill-node",
  ]);
  const { plan } = planRun({ ...base, seed: 3, faults: r.faults, choices: r.choices });
  assert.ok(plan.some((p) => p.fault === "flap-node" && p.role === "discoverer"));
  assert.ok(plan.every((p) => p.fault !== "flap-node" || p.role === "discoverer"));
  assert.throws(
    () => resolveChoices(["flap-node@nobody"], { catalogue: CATALOGUE, capabilities: caps, roles }),
    /no role "nobody": aim at service, discoverer/,
  );
  assert.throws(
    () =>
      resolveChoices(["kill-member@service"], { catalogue: CATALOGUE, capabilities: caps, roles }),
    /a member fault hits members/,
  );
  assert.deepEqual(splitFaultEntry("./faults/@scope/x.ts"), { name: "./faults/@scope/x.ts" });
  assert.deepEqual(
    resolveChoices(["all"], { catalogue: CATALOGUE, capabilities: caps, roles }).promised,
    [],
  );
});

Deno.test("named faults: results.json's plan, as written, replays with its seeds, roles and targets", () => {
  const written = [
    {
      id: 1,
      at: 1200,
      fault: "kill-node",
      holdMs: 3000,
      seed: 77,
      solo: true,
      role: "service",
      targets: ["n2"],
    },
    { id: 2, at: 9000, fault: "kill-member", holdMs: 1500, seed: 5, targets: ["m3"] },
    { id: 3, at: 12000, fault: "flap-node@discoverer", holdMs: 2000, seed: 9 },
  ];
  const plan = parsePlanFile(JSON.stringify(written), {
    faults: FAULTS,
    durationMs: 20_000,
    ttlMs: 2000,
    seed: 1,
  });
  assert.deepEqual(plan[0], written[0]);
  assert.deepEqual(plan[1], {
    id: 2,
    at: 9000,
    fault: "kill-member",
    holdMs: 1500,
    seed: 5,
    targets: ["m3"],
  });
  assert.deepEqual(plan[2], {
    id: 3,
    at: 12000,
    fault: "flap-node",
    holdMs: 2000,
    seed: 9,
    role: "discoverer",
  });
  assert.throws(
    () =>
      parsePlanFile(JSON.stringify([{ at: 1, fault: "kill-member", role: "x" }]), {
        faults: FAULTS,
        durationMs: 20_000,
        ttlMs: 2000,
        seed: 1,
      }),
    /on a node fault/,
  );
});

Deno.test("named faults: faults-ran is valid when each ran, unknown when one never did, n/a with none", () => {
  const named = choices("kill-node", "kill-lease@service");
  const plan = [
    { id: 1, at: 1000, fault: "kill-node", holdMs: 1000, seed: 1 },
    { id: 2, at: 3000, fault: "kill-lease", holdMs: 0, seed: 2, role: "service" },
    { id: 3, at: 5000, fault: "kill-lease", holdMs: 0, seed: 3, role: "service" },
  ];
  const ran = faultsRanCheck({ choices: named, plan, started: new Set([1, 3]), unfit: [] });
  assert.equal(ran.valid, true);
  assert.equal(ran.judged, 2);
  const skipped = faultsRanCheck({ choices: named, plan, started: new Set([1]), unfit: [] });
  assert.equal(skipped.valid, "unknown");
  assert.equal(skipped.decides, true);
  assert.match(
    skipped.summary,
    /kill-lease@service \(planned 2×, found nothing to hit each time\)/,
  );
  const noRoom = faultsRanCheck({
    choices: named,
    plan: plan.slice(0, 1),
    started: new Set([1]),
    unfit: [{ name: "kill-lease@service", needsMs: 18_000 }],
  });
  assert.match(noRoom.summary, /needs --duration 18s/);
  assert.equal(
    faultsRanCheck({ choices: [], plan: [], started: new Set(), unfit: [] }).applies,
    false,
  );
});
