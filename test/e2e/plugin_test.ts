import assert from "node:assert/strict";
import { runCli } from "../helpers/run_helper.ts";

Deno.test("plugin: a scenario file of the user's runs by path and gets checked", async () => {
  const plugin = new URL("../fixtures/register_plugin.ts", import.meta.url).pathname;
  const r = await runCli([plugin, "--duration", "3s", "--members", "1", "--faults", "none"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.scenario, "register");
  assert.equal(r.result?.valid, true);
  assert.ok(r.result?.checks.some((c) => c.name === "last-write-wins" && c.valid === true));
  assert.ok(r.result!.stats.ok > 10, `few operations: ${JSON.stringify(r.result!.stats)}`);
});
