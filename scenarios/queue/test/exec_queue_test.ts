/**
 * A FIFO queue written in Python on the drills kit (test/fixtures/exec/queue_kit.py)
 * drilled through the exec line protocol: guarded claims stay valid under
 * kill-node and partition-node, also on a cluster with --tls --auth (the
 * program gets the CA and its user's password file in its environment);
 * get-then-delete claims are caught handing one item to two consumers.
 */
import assert from "node:assert/strict";
import { checkOf, drillKit } from "../../../test/helpers/exec_kit_helper.ts";

Deno.test("exec queue: the guarded Python queue stays valid under kill-node and partition-node", async () => {
  const r = await drillKit("queue", "queue_kit.py", {
    args: ["--faults", "kill-node,partition-node", "--duration", "15s", "--seed", "12"],
  });
  assert.equal(r.code, 0, r.output);
  assert.equal(r.result.valid, true);
  assert.ok(Number(checkOf(r, "total-queue").judged) > 20, r.output);
  assert.ok(r.result.plan.some((f) => f.fault === "kill-node"), "no kill was planned");
  assert.deepEqual(r.left, [], "no python process outlives the run");
});

Deno.test("exec queue: the unguarded Python queue is caught giving one item to two consumers", async () => {
  const r = await drillKit("queue", "queue_kit.py", {
    flags: ["--unguarded"],
    // Caught without faults: 8 s give over a hundred duplicated items / dozens of lost messages.
    args: ["--faults", "none", "--duration", "8s", "--seed", "12"],
  });
  assert.equal(r.code, 1, r.output);
  assert.equal(r.result.valid, false);
  assert.equal(checkOf(r, "total-queue").valid, false, checkOf(r, "total-queue").summary);
  assert.deepEqual(r.left, []);
});

Deno.test("exec queue: with --tls --auth the program reaches etcd as its node's user, and no password file is left", async () => {
  const secrets = () =>
    [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")]
      .filter((e) => e.name.startsWith("etcd-drills-"))
      .filter((e) => {
        try {
          return Deno.statSync(`${Deno.env.get("TMPDIR") ?? "/tmp"}/${e.name}/password`).isFile;
        } catch {
          return false;
        }
      }).map((e) => e.name);
  const r = await drillKit("queue", "queue_kit.py", {
    args: ["--tls", "--auth", "--faults", "kill-node", "--duration", "15s", "--seed", "12"],
  });
  assert.ok(r.code === 0 || r.code === 1, r.output);
  const total = checkOf(r, "total-queue");
  assert.equal(total.valid, true, total.summary);
  assert.ok(Number(total.judged) > 20, "the program did little over TLS with auth: " + r.output);
  assert.ok(r.result.plan.some((f) => f.fault === "kill-node"));
  assert.match(r.nodeLogs, /exec: started python3/);
  assert.doesNotMatch(r.nodeLogs, /HTTP 401|auth token/, "the program authenticated");
  // Other runs on the machine may hold theirs right now; none of this run's nodes (all gone) may.
  const mine = secrets().filter((name) => {
    const owner = Number(
      Deno.readTextFileSync(`${Deno.env.get("TMPDIR") ?? "/tmp"}/${name}/owner.pid`),
    );
    try {
      Deno.statSync(`/proc/${owner}`);
      return false;
    } catch {
      return true;
    }
  });
  assert.deepEqual(mine, [], "a dead node's password file outlived the run");
  assert.deepEqual(r.left, []);
});
