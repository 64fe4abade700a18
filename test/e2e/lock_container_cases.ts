/**
 * The lock scenario on a container cluster gives the verdicts it gives on
 * processes (lock_scenario_test.ts): the fenced reference stays valid under
 * every fault a container cluster offers, the unfenced subjects lose
 * updates under pause-node as run all pins them (seed 12, 20 s). No run leaves a container or
 * network behind.
 */
import assert from "node:assert/strict";
import { pairsRunOnce, runCli } from "../helpers/run_helper.ts";
import { FAULTS } from "../../chaos/mod.ts";
import { containerTest, harnessLeftovers } from "../helpers/container_helper.ts";

// The seed and schedule of lock_scenario_test.ts.
const RUN = [
  "lock",
  "--cluster",
  "container",
  "--duration",
  "20s",
  "--fault-interval",
  "3s",
  "--seed",
  "12",
];

containerTest(
  "[container] lock: the fenced reference lock is never invalid under --faults all; liveness is judged",
  async () => {
    // Seed 7 plans four member faults in 20 s, after the solo window.
    const all = RUN.map((x, i) => RUN[i - 1] === "--seed" ? "7" : x);
    const r = await runCli([...all, "--subject", "reference", "--faults", "all"]);
    assert.notEqual(r.result?.valid, false, r.stdout + r.stderr);
    const check = (name: string) => r.result!.checks.find((c) => c.name === name)!;
    const safety = check("resource-safety");
    assert.equal(safety.valid, true, safety.summary);
    assert.ok(Number(safety.judged) > 0, safety.summary);
    // The plan's solo window left the liveness check a disabled holder to judge.
    assert.ok(Number(check("liveness").judged) > 0, check("liveness").summary);
    assert.equal(r.result?.cluster.kind, "container");
    // Member faults were in the plan and some of them acted.
    const member = FAULTS.filter((f) => f.side === "member").map((f) => f.name);
    const acted = r.result!.plan.filter((p) =>
      member.includes(p.fault) && !r.result!.skippedFaults.includes(p.id)
    );
    assert.ok(acted.length > 0, `no member fault acted: ${JSON.stringify(r.result!.plan)}`);
    assert.deepEqual(await harnessLeftovers(), []);
  },
);

// Both unfenced pairs of lock's expectations at once, on one container cluster they share.
const pairs = pairsRunOnce(["lock/etcd3", "lock/naive"], ["--cluster", "container"]);

for (const subject of ["naive", "etcd3"]) {
  containerTest(
    `[container] lock: the unfenced ${subject} lock loses updates under pause-node`,
    async () => {
      const r = await pairs();
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const result = r.results.get(`lock/${subject}`)!;
      assert.equal(result.cluster.kind, "container");
      assert.deepEqual([result.seed, result.faults], [12, ["pause-node"]]);
      assert.equal(result.valid, false);
      const safety = result.checks.find((c) => c.name === "resource-safety")!;
      assert.equal(safety.valid, false);
      assert.match(safety.summary, /lost update/);
      assert.deepEqual(await harnessLeftovers(), []);
    },
  );
}
