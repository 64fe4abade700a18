import assert from "node:assert/strict";
import { convergenceCheck } from "../../lib/runner/convergence.ts";
import type { Cluster, MemberControl } from "../../lib/cluster/cluster.ts";
import { freePort, releasePort } from "../../lib/net/free_port.ts";

Deno.test("convergence: members that do not answer make the run unknown, saying why", async () => {
  const unreachable: Cluster = {
    kind: "fake",
    members: [1, 2, 3].map((i) => ({ name: `m${i}`, clientUrl: `http://127.0.0.1:${freePort()}` })),
    // Member control marks a cluster whose members the harness owns: only those must converge.
    control: {} as MemberControl,
    waitReady: () => Promise.resolve(),
    leader: () => Promise.resolve(undefined),
    stop: () => Promise.resolve(),
  };
  const r = await convergenceCheck(unreachable, 500);
  releasePort(...unreachable.members.map((m) => Number(new URL(m.clientUrl).port)));
  assert.equal(r.valid, "unknown");
  assert.equal(r.decides, true);
  assert.match(r.summary, /did not converge within 500 ms/);
});

Deno.test("convergence: an external cluster is not judged on it (others may write)", async () => {
  const external: Cluster = {
    kind: "external",
    members: [{ name: "m1", clientUrl: `http://127.0.0.1:${freePort()}` }],
    waitReady: () => Promise.resolve(),
    leader: () => Promise.resolve(undefined),
    stop: () => Promise.resolve(),
  };
  const r = await convergenceCheck(external, 500);
  releasePort(...external.members.map((m) => Number(new URL(m.clientUrl).port)));
  assert.equal(r.decides, false);
  assert.equal(r.applies, false);
  assert.match(r.summary, /does not apply: a external cluster had no member fault/);
});
