import { CATALOGUE } from "../../chaos/mod.ts";
/**
 * `run all`'s pairs: each runs with what its expectation pins unless a flag
 * replaces it, and only node-fault pairs of scenarios that read their own
 * keys share a cluster.
 */
import assert from "node:assert/strict";
import { canShare, pairRun, selectPairs } from "../../cli/run_all.ts";
import type { Pair, PairOptions } from "../../cli/run_all.ts";
import type { Expectation, Scenario } from "../../lib/scenario/scenario.ts";
import { BUILTIN_SCENARIOS } from "../../scenarios/mod.ts";
import { loadScenario } from "../../lib/runner/load_scenario.ts";
import { cli, lines } from "../helpers/cli_helper.ts";

const scenario = (over: Partial<Scenario> = {}): Scenario => ({
  name: "x",
  description: "",
  subjects: { reference: "" },
  defaultSubject: "reference",
  roles: {},
  layout: () => [],
  defaultFaults: [],
  expectations: [],
  checkers: [],
  ...over,
});
const expect = (over: Partial<Expectation> = {}): Expectation => ({
  subject: "reference",
  faults: ["kill-node"],
  valid: true,
  seed: 12,
  durationMs: 15_000,
  ...over,
});
const pair = (e: Expectation, s = scenario()): Pair => ({
  scenario: s,
  url: "file:///x",
  expectation: e,
});
const opts = (override: PairOptions["override"] = {}): PairOptions => ({
  base: { members: 3, ttl: 2, outDir: "/tmp/none", catalogue: CATALOGUE },
  override,
  jobs: 3,
});

Deno.test("run all: a pair runs with its expectation's seed, duration and interval", () => {
  const r = pairRun(pair(expect({ faultIntervalMs: 2000 })), opts());
  assert.equal(r.seed, 12);
  assert.equal(r.durationMs, 15_000);
  assert.equal(r.faultIntervalMs, 2000);
  assert.deepEqual(r.faults, ["kill-node"]);
  assert.equal(r.faultPlan, undefined);
  assert.equal(pairRun(pair(expect()), opts()).faultIntervalMs, 3000);
});

Deno.test("run all: --seed, --duration and --faults replace what the expectation pins", () => {
  const r = pairRun(
    pair(expect({ plan: [{ at: 1000, fault: "kill-node" }] })),
    opts({ seed: 5, durationMs: 9000, faults: ["pause-node"] }),
  );
  assert.equal(r.seed, 5);
  assert.equal(r.durationMs, 9000);
  assert.deepEqual(r.faults, ["pause-node"]);
  assert.equal(r.faultPlan, undefined, "other faults than the plan's: the plan does not apply");
});

Deno.test("run all: an expectation's exact plan becomes the run's plan, targets seeded", () => {
  const e = expect({
    faults: ["pause-node"],
    plan: [{ at: 1000, fault: "pause-node", holdMs: 4500 }, { at: 6000, fault: "pause-node" }],
  });
  const a = pairRun(pair(e), opts()).faultPlan!;
  assert.deepEqual(a.map((p) => [p.id, p.at, p.fault, p.holdMs]), [
    [1, 1000, "pause-node", 4500],
    [2, 6000, "pause-node", 1000], // the shortest pause at TTL 2 s: 0.5 × TTL
  ]);
  assert.deepEqual(pairRun(pair(e), opts()).faultPlan, a, "same seed, same targets' seeds");
  assert.notDeepEqual(pairRun(pair(e), opts({ seed: 13 })).faultPlan, a);
});

Deno.test("run all: node-fault pairs share a cluster; member faults, compact, all and whole-cluster readers do not", () => {
  const share = (e: Expectation, s?: Scenario) => canShare(pairRun(pair(e, s), opts()));
  assert.equal(share(expect({ faults: ["kill-node", "pause-node", "partition-node"] })), true);
  assert.equal(share(expect({ faults: ["none"] })), true);
  assert.equal(share(expect({ faults: ["kill-node", "kill-member"] })), false);
  assert.equal(share(expect({ faults: ["kill-node", "compact"] })), false);
  assert.equal(share(expect({ faults: ["all"] })), false);
  assert.equal(share(expect(), scenario({ needsOwnCluster: "counts every lease" })), false);
});

Deno.test("run all: every built-in expectation pins a seed and a duration that its plan fits in", async () => {
  let n = 0;
  for (const name of Object.keys(BUILTIN_SCENARIOS)) {
    const { scenario } = await loadScenario(name, BUILTIN_SCENARIOS);
    for (const e of scenario.expectations) {
      n++;
      assert.ok(Number.isInteger(e.seed), `${name}/${e.subject}: no seed`);
      const ms = e.durationMs ?? 0;
      assert.ok(ms > 0 && ms <= 30_000, `${name}/${e.subject}: duration`);
      // A plan parses (or this throws) and names only the expectation's faults.
      const r = pairRun(pair(e, scenario), opts());
      for (const p of r.faultPlan ?? []) assert.ok(e.faults.includes(p.fault), p.fault);
    }
  }
  assert.ok(n > 0, "no built-in expectation");
});

Deno.test("run all --only: scenarios and scenario/subject pairs, in the pairs' order; no match is a usage error", () => {
  const lock = scenario({ name: "lock" });
  const queue = scenario({ name: "queue" });
  const all = [
    pair(expect({ subject: "reference" }), lock),
    pair(expect({ subject: "naive" }), lock),
    pair(expect({ subject: "reference" }), queue),
  ];
  const names = (ps: Pair[]) => ps.map((p) => `${p.scenario.name}/${p.expectation.subject}`);
  assert.deepEqual(names(selectPairs(all, "queue,lock/naive")), ["lock/naive", "queue/reference"]);
  assert.deepEqual(names(selectPairs(all, "lock")), ["lock/reference", "lock/naive"]);
  assert.throws(
    () => selectPairs(all, "lock/etcd3"),
    /--only lock\/etcd3: no such pair.*lock\/naive/,
  );
  assert.throws(() => selectPairs(all, " , "), /name scenarios or scenario\/subject pairs/);
});

Deno.test("cli: --jobs is for run all, and not with --ports-from", async () => {
  const one = async (args: string[], pattern: RegExp) => {
    const r = await cli(args);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, pattern);
  };
  await one(["lock", "--jobs", "2"], /--jobs is for run all/);
  await one(["all", "--jobs", "0"], /--jobs "0": give a whole number from 1 to 32/);
  await one(["all", "--jobs", "2", "--ports-from", "23400"], /give --jobs 1 with it/);
  await one(["lock", "--only", "lock"], /--only is for run all/);
  await one(
    ["all", "--only", "lokc"],
    /--only lokc: no such pair in run all; there are lock\/reference/,
  );
});
