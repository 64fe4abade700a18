/**
 * The load-balancing scenario end to end on a real 3-member process cluster,
 * through the CLI as a user runs it: the reference balancer stays valid under
 * node faults, and the classic write-up's resolver keeps killed servers in its
 * round-robin list (a delete event has no value to remove).
 */
import assert from "node:assert/strict";
import { runCli } from "./run_helper.ts";

// Seed 72 plans seven kills at 20 s, every one aimed at a server (primary), 1.2–2.8 s each,
// so leases of killed servers expire while the clients run; with the default faults it plans a
// 4.8 s pause, two partitions past the TTL, two kills and a revoked lease, all aimed at servers.
const RUN = ["load-balancing", "--duration", "20s", "--fault-interval", "3s", "--seed", "72"];

Deno.test("load-balancing: the reference balancer stays valid under node faults", async () => {
  const r = await runCli([
    ...RUN,
    "--subject",
    "reference",
    "--faults",
    "kill-node,pause-node,kill-lease,partition-node",
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, true);
  const check = (name: string) => r.result!.checks.find((c) => c.name === name)!;
  // Servers really left etcd, and every client dropped them at its next list.
  assert.ok(Number(check("no-calls-to-the-dead").figures?.drops) > 0, "no removal was exercised");
  assert.ok(Number(check("availability").figures?.outsideCalls) > 300);
  assert.ok(Number(check("fairness").figures?.windows) > 0, "no steady window was judged");
});

Deno.test("load-balancing: the naive resolver keeps killed servers (kill-node)", async () => {
  const r = await runCli([...RUN, "--subject", "naive", "--faults", "kill-node"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.result?.valid, false);
  const dead = r.result!.checks.find((c) => c.name === "no-calls-to-the-dead")!;
  assert.equal(dead.valid, false);
  assert.match(dead.summary, /kept a removed server/);
  const e = dead.evidence![0] as { violation: string; server: string };
  assert.equal(e.violation, "resolver kept a server etcd had removed");
  assert.match(e.server, /^n\d#\d+$/);
});
