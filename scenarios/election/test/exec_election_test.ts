/**
 * A leader election written in Python on the drills kit
 * (test/fixtures/exec/election_kit.py) drilled through the exec line
 * protocol: writes fenced on the leader key's create revision stay valid
 * under pause-node; unfenced, a leader paused past its TTL is caught
 * writing after another was elected.
 */
import assert from "node:assert/strict";
import { checkOf, drillKit } from "../../../test/helpers/exec_kit_helper.ts";

// Seed 108 over 15 s aims pauses past the 2 s TTL at the leader (the scenario's own pairs).
const ARGS = ["--faults", "pause-node", "--duration", "15s", "--seed", "108"];

Deno.test("exec election: the fenced Python election stays valid under pause-node; observers follow", async () => {
  const r = await drillKit("election", "election_kit.py", { args: ARGS });
  assert.equal(r.code, 0, r.output);
  assert.equal(r.result.valid, true);
  assert.ok(Number(checkOf(r, "leader-only-writes").judged) > 20, r.output);
  assert.ok(Number(checkOf(r, "observer-order").judged) > 2, "the observers saw no leaders");
  assert.deepEqual(r.left, [], "no python process outlives the run");
});

Deno.test("exec election: the unfenced Python election is caught with two leaders writing", async () => {
  const r = await drillKit("election", "election_kit.py", { flags: ["--unfenced"], args: ARGS });
  assert.equal(r.code, 1, r.output);
  assert.equal(r.result.valid, false);
  assert.equal(checkOf(r, "leader-only-writes").valid, false, r.output);
  assert.deepEqual(r.left, []);
});
