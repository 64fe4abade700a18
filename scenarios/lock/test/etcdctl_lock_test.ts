/**
 * etcd's own Go lock through etcdctl as the lock subject: found like etcd
 * (or a one-line error, exit 2), and under pauses past the TTL the unfenced
 * `etcdctl` loses updates while `etcdctl-fenced` keeps the counter right;
 * no etcdctl (nor the command it runs) outlives the run.
 */
import assert from "node:assert/strict";
import { findEtcdctl } from "../../../lib/cluster/etcd_binary.ts";
import { HarnessError } from "../../../lib/proc/errors.ts";
import { lines } from "../../../test/helpers/cli_helper.ts";
import {
  processesMentioning,
  runAndRead,
  runPrefix,
} from "../../../test/helpers/subject_processes.ts";
import {
  assertLostUpdateBetweenNodes,
  pairsMatchTest,
  pairsRunOnce,
} from "../../../test/helpers/run_helper.ts";

Deno.test("findEtcdctl: ETCDCTL_BIN names the binary", async () => {
  const real = await findEtcdctl();
  Deno.env.set("ETCDCTL_BIN", real);
  try {
    assert.equal(await findEtcdctl(), real);
  } finally {
    Deno.env.delete("ETCDCTL_BIN");
  }
});

Deno.test("findEtcdctl: an ETCDCTL_BIN that is no program is one line saying what to do", async () => {
  Deno.env.set("ETCDCTL_BIN", "/nonexistent/etcdctl");
  try {
    const e = await findEtcdctl().then(() => undefined, (e) => e);
    assert.ok(e instanceof HarnessError, String(e));
    assert.equal(lines(e.message).length, 1);
    assert.match(e.message, /ETCDCTL_BIN=\/nonexistent\/etcdctl is not an executable file/);
  } finally {
    Deno.env.delete("ETCDCTL_BIN");
  }
});

Deno.test("lock --subject etcdctl without an etcdctl stops with exit 2 and one line", async () => {
  const r = await runAndRead(
    ["lock", "--subject", "etcdctl", "--duration", "5s", "--faults", "none", "--seed", "1"],
    { ETCDCTL_BIN: "/nonexistent/etcdctl" },
  );
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
  assert.match(r.stderr, /subject etcdctl cannot run: ETCDCTL_BIN=\/nonexistent\/etcdctl/);
});

// Lock's etcdctl expectations pin seed 4 over 30 s: pauses of up to 6 s (past the 2 s TTL) aimed
// at lock holders between their read and their write; measured with both subjects (README,
// "etcd's Go client"). Both run at once on one cluster, as run all runs them.
const pairs = pairsRunOnce(["lock/etcdctl", "lock/etcdctl-fenced"]);

pairsMatchTest("lock", pairs);

Deno.test("lock: etcdctl's lock, writes unfenced, loses updates under pause-node; nothing outlives the run", async () => {
  const r = await pairs();
  const result = r.results.get("lock/etcdctl")!;
  const events = r.events.get("lock/etcdctl")!;
  assert.equal(result.valid, false);
  const safety = result.checks.find((c) => c.name === "resource-safety")!;
  assert.equal(safety.valid, false, safety.summary);
  assert.match(safety.summary, /lost update/);
  assertLostUpdateBetweenNodes(safety);
  // The grants came from etcdctl: ETCD_LOCK_KEY under the run's lock prefix, ETCD_LOCK_REV as the token.
  const grant = events.find((e) => e.f === "acquire" && e.type === "ok")!;
  const held = grant.value as { key: string; token: number; lease: string };
  assert.match(held.key, /\/lock\/[0-9a-f]+$/);
  assert.equal(grant.revision, held.token);
  assert.ok(BigInt(held.lease) > 0n);
  const prefix = runPrefix(events)!;
  assert.deepEqual(processesMentioning(prefix), []);
});

Deno.test("lock: etcdctl's lock with writes fenced on ETCD_LOCK_KEY stays valid under pause-node", async () => {
  const r = await pairs();
  const result = r.results.get("lock/etcdctl-fenced")!;
  const events = r.events.get("lock/etcdctl-fenced")!;
  assert.equal(result.valid, true);
  const safety = result.checks.find((c) => c.name === "resource-safety")!;
  assert.ok(Number(safety.figures?.acknowledged) > 10, safety.summary);
  // The pauses took effect: a paused holder's late write was refused by the fence.
  const fenced = events.filter((e) => e.f === "write" && e.type === "fail");
  assert.ok(fenced.length > 0, "no write was fenced: no pause outlasted a holder's lease");
  assert.match(String(fenced[0].error), /fenced: ETCD_LOCK_KEY is gone/);
  assert.deepEqual(processesMentioning(runPrefix(events)!), []);
});
