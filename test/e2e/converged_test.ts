/** waitConverged: agreement needs every member, one leader, one revision, one KV hash. */
import assert from "node:assert/strict";
import { agreement, waitConverged } from "../../lib/cluster/converged.ts";
import type { MemberView } from "../../lib/cluster/converged.ts";
import { HarnessError } from "../../lib/proc/errors.ts";
import { put, withCluster } from "../helpers/member_cluster_helper.ts";

const view = (name: string, o: Partial<MemberView> = {}): MemberView => ({
  name,
  leader: "7",
  revision: 5,
  hash: 123,
  ...o,
});

Deno.test("agreement: all members alike agree", () => {
  assert.deepEqual(agreement([view("m1"), view("m2"), view("m3")]), {
    leader: "7",
    revision: 5,
    hash: 123,
  });
});

Deno.test("agreement: any difference, silence or missing leader is no agreement", () => {
  const cases: MemberView[][] = [
    [],
    [view("m1"), view("m2", { hash: 124 })],
    [view("m1"), view("m2", { revision: 4 })],
    [view("m1"), view("m2", { leader: "8" })],
    [view("m1"), { name: "m2", error: "connection refused" }],
    [view("m1", { leader: "0" }), view("m2", { leader: "0" })],
    [view("m1", { hash: undefined }), view("m2", { hash: undefined })],
  ];
  for (const c of cases) assert.equal(agreement(c), undefined, JSON.stringify(c));
});

Deno.test("waitConverged: a whole cluster converges; one with a dead member does not", async () => {
  await withCluster(3, async (c) => {
    const rev = await put(c, "m2", "k", "v");
    const agreed = await waitConverged(c, 10_000);
    assert.equal(agreed.revision, rev);
    await c.kill("m3");
    await assert.rejects(
      waitConverged(c, 1500),
      (e: unknown) =>
        e instanceof HarnessError && /did not converge within 1500 ms: .*m3: /.test(e.message),
    );
    await c.restart("m3");
    await waitConverged(c, 10_000);
  });
});
