/**
 * A service registry written in Python (test/fixtures/exec/discovery.py:
 * etcd's JSON gateway, standard library only) drilled through the exec line
 * protocol's discovery calls: services register, wait on `next` and
 * deregister; discoverers stream `view` events. Under the scenario's faults
 * (kill-node, kill-lease on the lease the program names, partition-node) it
 * is valid, and no program outlives the run.
 */
import assert from "node:assert/strict";
import { runCli, unexpectedChecks } from "../../../test/helpers/run_helper.ts";

const DISCOVERY_PY = new URL("../../../test/fixtures/exec/discovery.py", import.meta.url).pathname;

/** Live programs whose command line holds `tag` (not the runner, whose arguments hold it too). */
function programsWith(tag: string): string[] {
  const found: string[] = [];
  for (const p of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(p.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${p.name}/cmdline`).replaceAll("\0", " ");
      const stat = Deno.readTextFileSync(`/proc/${p.name}/stat`);
      const zombie = stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
      if (cmd.includes(tag) && !cmd.includes("main.ts") && !zombie) found.push(cmd);
    } catch { /* gone */ }
  }
  return found;
}

// Seed 12 revokes four services' leases, cuts two nodes off and kills one.
Deno.test("exec discovery: a Python registry is valid under kill-node, kill-lease and partition-node", async () => {
  const tag = `drills-tag-${crypto.randomUUID()}`;
  const r = await runCli([
    "discovery",
    "--subject",
    `exec:python3 ${DISCOVERY_PY} --tag ${tag}`,
    "--duration",
    "20s",
    "--seed",
    "12",
  ]);
  // A failure prints each not-valid check's evidence: CI's log keeps it, its run directory is gone.
  const evidence = r.result ? unexpectedChecks(new Map([["discovery/exec", r.result]])) : "";
  assert.equal(r.code, 0, r.stdout + r.stderr + evidence);
  assert.equal(r.result?.valid, true);
  const faults = new Set(r.result!.plan.map((f) => f.fault));
  assert.deepEqual([...faults].sort(), ["kill-lease", "kill-node", "partition-node"]);
  const figures = (name: string) => r.result!.checks.find((c) => c.name === name)!.figures!;
  // The revoked leases were the ones the program named: its services came back under new ones.
  assert.ok(Number(figures("re-registration").judged) > 0, "no re-registration was judged");
  assert.ok(Number(figures("removal-latency").judged) > 0, "no removal was judged");
  assert.ok(Number(figures("no-phantoms").views) > 5, "the discoverers' views did not arrive");
  assert.deepEqual(programsWith(tag), [], "no python process outlives the run");
});
