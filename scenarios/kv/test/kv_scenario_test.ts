/**
 * The kv scenario end to end, as `run all --expect` runs its pinned pairs: the harness's client
 * stays linearizable under node and member faults; etcd3's default retry re-applies a write whose
 * first attempt committed under flap-node, and `linearizable` names the key and the window.
 */
import assert from "node:assert/strict";
import { pairsMatchTest, pairsRunOnce } from "../../../test/helpers/run_helper.ts";

const pairs = pairsRunOnce(["kv/reference", "kv/etcd3"]);

pairsMatchTest("kv", pairs);

Deno.test("kv: every operation of the harness's client fits one order, and many were judged", async () => {
  const result = (await pairs()).results.get("kv/reference")!;
  const lin = result.checks.find((c) => c.name === "linearizable")!;
  assert.equal(lin.valid, true, lin.summary);
  assert.ok(Number(lin.judged) > 300, lin.summary);
  assert.equal(result.checks.find((c) => c.name === "faults-ran")!.valid, true);
});

Deno.test("kv: etcd3's retried write is not linearizable, with the key and window as evidence", async () => {
  const result = (await pairs()).results.get("kv/etcd3")!;
  const lin = result.checks.find((c) => c.name === "linearizable")!;
  assert.equal(lin.valid, false, lin.summary);
  const evidence = lin.evidence as { key?: string; window?: unknown }[];
  assert.ok(evidence.some((e) => e.key?.includes("/kv/k") && e.window), JSON.stringify(evidence));
});
