import assert from "node:assert/strict";
import { HistoryBuilder } from "../../helpers/history_builder.ts";
import { runCost } from "../../../lib/report/cost/run_cost.ts";
import { parseSlo } from "../../../lib/report/cost/slo.ts";

const history = new HistoryBuilder()
  .op("n1", "write", 100, 110, "ok")
  .op("n1", "write", 1100, 1900, "ok")
  .op("n1", "write", 3100, 3110, "ok")
  .fault("kill-leader", ["m1"], 1000, 3000)
  .end(4000)
  .build();

Deno.test("run cost: figures with the members' elections, and one check per objective", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/etcd`);
    const origin = Date.parse("2026-12-08T04:00:00.000Z");
    await Deno.writeTextFile(
      `${dir}/etcd/m2.log`,
      JSON.stringify({
        ts: "2026-12-08T04:00:01.500Z",
        msg: "raft.node: 80ccfcf8129f74e2 elected leader 80ccfcf8129f74e2 at term 3",
      }),
    );
    const { cost, checks } = await runCost({
      history,
      dir,
      originMs: origin,
      slo: parseSlo("p99<=500ms,leader-changes<=0"),
    });
    assert.equal(cost?.windows[0].leaderChanges?.count, 1);
    const saved = await runCost({ history, dir, originMs: origin, memberLogs: false });
    assert.equal(saved.cost?.windows[0].leaderChanges, null, "logs not complete yet: unmeasured");
    assert.deepEqual(checks.map((c) => [c.name, c.valid]), [
      ["slo p99<=500ms", false],
      ["slo leader-changes<=0", false],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run cost: a failure leaves the figures out and the objectives unknown", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/etcd`, "a file where the log directory should be");
    const { cost, checks } = await runCost({
      history,
      dir,
      originMs: 0,
      slo: parseSlo("p99<=500ms"),
    });
    assert.equal(cost, undefined);
    assert.equal(checks[0].valid, "unknown");
    assert.match(checks[0].summary, /could not be computed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
