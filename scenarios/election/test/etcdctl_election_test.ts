/**
 * etcd's own Go election through etcdctl as the election subject: its
 * leader-only writes are fenced, so a leader paused past the run's TTL
 * never acts beside another; but `etcdctl elect` keeps concurrency's
 * default 60 s session, so nobody takes over from the paused leader and
 * the failover check fails. No etcdctl outlives the run.
 */
import assert from "node:assert/strict";
import {
  processesMentioning,
  runAndRead,
  runPrefix,
} from "../../../test/helpers/subject_processes.ts";

// Seed 7 over 15 s aims two pauses past the 2 s TTL at leaders, the first of 6 s in a window of
// its own: the paused leader keeps its key until it resumes (README, "etcd's Go client").
const RUN = ["election", "--subject", "etcdctl", "--faults", "pause-node", "--seed", "7"];

Deno.test("election: etcdctl elect stays safe under pause-node but fails over only when the paused leader resumes", async () => {
  const r = await runAndRead([...RUN, "--duration", "15s"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.result?.valid, false);
  const check = (name: string) => r.result!.checks.find((c) => c.name === name)!;
  assert.equal(check("one-leader").valid, true, check("one-leader").summary);
  assert.equal(check("leader-only-writes").valid, true, check("leader-only-writes").summary);
  const failover = check("failover");
  assert.equal(failover.valid, false, failover.summary);
  const late = failover.evidence![0] as { latencyMs: number | null; boundMs: number };
  assert.ok(late.latencyMs === null || late.latencyMs > late.boundMs);
  // Campaigns came from etcdctl: the leader key's create revision is the token.
  const won = r.events.find((e) => e.f === "campaign" && e.type === "ok")!;
  assert.ok(Number((won.value as { token: number }).token) > 0);
  assert.deepEqual(processesMentioning(runPrefix(r.events)!), []);
});
