/**
 * The disaster drills the container cluster runs (kill-quorum, kill-all,
 * restore-snapshot) on Docker: each shows its effect and the members agree
 * after the heal. Ignored, and said so, where no Docker engine answers.
 * Registered by containers_test.ts, as every container case is.
 */
import assert from "node:assert/strict";
import { mulberry32 } from "../../lib/proc/random.ts";
import { waitConverged } from "../../lib/cluster/converged.ts";
import { killQuorum } from "../../chaos/kill_quorum.ts";
import { killAll } from "../../chaos/kill_all.ts";
import { restoreSnapshot } from "../../chaos/restore_snapshot.ts";
import { writeRefusal } from "../../chaos/disaster_steps.ts";
import { withCluster } from "../helpers/member_cluster_helper.ts";
import { containerTest } from "../helpers/container_helper.ts";

containerTest(
  "[container] kill-quorum: a survivor refuses writes; after the heal every acknowledged write is there",
  async () => {
    await withCluster(3, async (c, world) => {
      await world.admin.put("acked").value("before").exec();
      const active = await killQuorum.start(world, mulberry32(3));
      assert.ok(active);
      const probe = (active.detail as { writeProbe: { refused: boolean } }).writeProbe;
      assert.equal(probe.refused, true, JSON.stringify(active.detail));
      await active.heal();
      assert.equal(await world.admin.get("acked").string(), "before");
      await waitConverged(c, 15_000);
    }, "container");
  },
);

containerTest(
  "[container] kill-all: nothing serves; a cold start from the data keeps every write",
  async () => {
    await withCluster(3, async (c, world) => {
      await world.admin.put("acked").value("before").exec();
      const active = await killAll.start(world, mulberry32(1));
      assert.ok(active);
      assert.equal((await writeRefusal(world, "m1")).refused, true);
      await active.heal();
      assert.equal(await world.admin.get("acked").string(), "before");
      await waitConverged(c, 15_000);
    }, "container");
  },
);

containerTest(
  "[container] restore-snapshot: writes after the snapshot are gone, the revision goes back",
  async () => {
    await withCluster(3, async (c, world) => {
      await world.admin.put("kept").value("before").exec();
      const active = await restoreSnapshot.start(world, mulberry32(2));
      assert.ok(active, "restore-snapshot saved a snapshot");
      for (let i = 0; i < 5; i++) await world.admin.put(`lost/${i}`).value("after").exec();
      const healed = await active.heal() as { revisionBefore: number; revisionAfter: number };
      assert.ok(healed.revisionAfter < healed.revisionBefore, JSON.stringify(healed));
      assert.equal(await world.admin.get("kept").string(), "before");
      assert.equal((await world.admin.getAll().prefix("lost/").keys()).length, 0);
      await waitConverged(c, 15_000);
    }, "container");
  },
);
