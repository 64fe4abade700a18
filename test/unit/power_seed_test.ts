import assert from "node:assert/strict";
import { runSeed } from "../../bench/power.ts";

Deno.test("bench power: a seed whose runner ends without a verdict is tried once more, then named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-test-power-" });
  try {
    const crashed: string[] = [];
    const r = await runSeed(["no-such-scenario"], `${dir}/0`, (why) => crashed.push(why));
    assert.equal(r, undefined);
    assert.equal(crashed.length, 2, crashed.join("\n"));
    assert.match(crashed[0], /^try 1: exit 2: .*no-such-scenario/);
    assert.match(crashed[1], /^try 2: exit 2: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bench power: a seed that reaches its verdict returns it, crashing nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-test-power-" });
  try {
    const crashed: string[] = [];
    const plugin = new URL("../fixtures/register_plugin.ts", import.meta.url).pathname;
    const args = [plugin, "--faults", "none", "--duration", "2s", "--members", "1", "--seed", "4"];
    const r = await runSeed(args, `${dir}/0`, (why) => crashed.push(why));
    assert.deepEqual(crashed, []);
    assert.equal(r?.seed, 4);
    assert.equal(r?.valid, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
