/**
 * The load-balancing scenario end to end on a real 3-member process cluster,
 * through the CLI as `run all --expect` runs its pinned pairs: the reference balancer stays valid under
 * node faults, and the classic write-up's resolver keeps killed servers in its
 * round-robin list (a delete event has no value to remove).
 */
import assert from "node:assert/strict";
import { pairsMatchTest, pairsRunOnce } from "../../../test/helpers/run_helper.ts";

// Seed 72 over 15 s plans kills aimed at servers (primaries), so leases of killed servers
// expire while the clients run; with the reference's four faults, pauses, partitions past the
// TTL, kills and revoked leases, all aimed at servers.
const pairs = pairsRunOnce(["load-balancing/reference", "load-balancing/naive"]);

pairsMatchTest("load-balancing", pairs);

Deno.test("load-balancing: the reference balancer stays valid under node faults", async () => {
  const result = (await pairs()).results.get("load-balancing/reference")!;
  assert.deepEqual(result.faults, ["kill-node", "pause-node", "kill-lease", "partition-node"]);
  assert.equal(result.valid, true);
  const check = (name: string) => result.checks.find((c) => c.name === name)!;
  // Servers really left etcd, and every client dropped them at its next list.
  assert.ok(Number(check("no-calls-to-the-dead").figures?.drops) > 0, "no removal was exercised");
  // About half what a loaded machine gives (six pairs at once, both cores busy: 415; idle 836).
  assert.ok(Number(check("availability").figures?.outsideCalls) > 200);
  assert.ok(Number(check("fairness").figures?.windows) > 0, "no steady window was judged");
});

Deno.test("load-balancing: the naive resolver keeps killed servers (kill-node)", async () => {
  const result = (await pairs()).results.get("load-balancing/naive")!;
  assert.deepEqual(result.faults, ["kill-node"]);
  assert.equal(result.valid, false);
  const dead = result.checks.find((c) => c.name === "no-calls-to-the-dead")!;
  assert.equal(dead.valid, false);
  assert.match(dead.summary, /kept a removed server/);
  const e = dead.evidence![0] as { violation: string; server: string };
  assert.equal(e.violation, "resolver kept a server etcd had removed");
  assert.match(e.server, /^n\d#\d+$/);
});
