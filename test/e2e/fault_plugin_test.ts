/** Faults as plugins: a module of the user's, written against mod.ts, runs like a built-in fault. */
import assert from "node:assert/strict";
import { cli, lines } from "../helpers/cli_helper.ts";
import { loadPlanFile } from "../../lib/faults/plan_file.ts";
import { CATALOGUE, FAULTS, loadFaultPlugins, resolveFaults } from "../../chaos/mod.ts";
import { readHistory } from "../../lib/history/writer.ts";
import type { FaultEvent } from "../../lib/history/event.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;
const FIXTURE = new URL("../../examples/brief_freeze.ts", import.meta.url);
const REGISTER = new URL("../fixtures/register_plugin.ts", import.meta.url).pathname;

/** A copy of the README's example fault in a folder outside the project, importing mod.ts by URL. */
async function outsidePlugin(dir: string): Promise<string> {
  const text = (await Deno.readTextFile(FIXTURE)).replace("../mod.ts", MOD);
  const path = `${dir}/brief_freeze.ts`;
  await Deno.writeTextFile(path, text);
  return path;
}

Deno.test("fault plugin: a module outside the project runs beside a built-in fault; its start and stop are in the history", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-fault-plugin-" });
  try {
    const plugin = await outsidePlugin(dir);
    const out = `${dir}/runs`;
    const r = await cli([
      REGISTER,
      ...["--members", "1", "--duration", "6s", "--fault-interval", "1s", "--seed", "3"],
      ...["--faults", `${plugin},pause-node`, "--out", out, "--quiet"],
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [run] = [...Deno.readDirSync(out)];
    const result = JSON.parse(await Deno.readTextFile(`${out}/${run.name}/results.json`));
    assert.deepEqual(result.faults, ["brief-freeze", "pause-node"]);
    const history = await readHistory(`${out}/${run.name}/history.ndjson`);
    const mine = history.filter((e): e is FaultEvent =>
      e.kind === "fault" && e.fault === "brief-freeze"
    );
    const starts = mine.filter((e) => e.type === "start");
    assert.ok(starts.length > 0, `no brief-freeze start: plan ${JSON.stringify(result.plan)}`);
    const held: number[] = [];
    for (const s of starts) {
      const stop = mine.find((e) => e.type === "stop" && e.id === s.id);
      assert.ok(stop, `brief-freeze ${s.id} never stopped`);
      assert.match(s.targets[0], /^n\d+$/);
      held.push(stop.time - s.time);
    }
    // Its hold (0.2 × TTL = 400 ms) is honoured; one cut short by the end of the workload may be shorter.
    assert.ok(held.some((ms) => ms >= 380), `held ${held.join(", ")} ms`);
    assert.ok(history.some((e) => e.kind === "fault" && e.fault === "pause-node"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fault plugin: a module that does not fit the interface is refused with one line, exit 2", async () => {
  const misfit = new URL("../fixtures/faults/no_start.ts", import.meta.url).pathname;
  const r = await cli(["lock", "--faults", `kill-node,${misfit}`]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
  assert.match(r.stderr, /default export\.start must be a function \(world, random\)/);
  const missing = await cli(["lock", "--faults", "./nowhere/fault.ts"]);
  assert.equal(missing.code, 2);
  assert.equal(lines(missing.stderr).length, 1, missing.stderr);
  assert.match(missing.stderr, /cannot load fault \.\/nowhere\/fault\.ts/);
});

Deno.test("fault plugin: a plan file names a module relative to itself", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-fault-plan-" });
  try {
    await outsidePlugin(dir);
    const plan = `${dir}/plan.json`;
    await Deno.writeTextFile(
      plan,
      JSON.stringify([{ at: "1s", fault: "./brief_freeze.ts" }, { at: "2s", fault: "kill-node" }]),
    );
    const planned = await loadPlanFile(plan, {
      catalogue: CATALOGUE,
      faults: FAULTS,
      durationMs: 5000,
      ttlMs: 2000,
      seed: 1,
    });
    assert.deepEqual(planned.map((p) => [p.fault, p.holdMs]), [
      ["brief-freeze", 400],
      ["kill-node", FAULTS.find((f) => f.name === "kill-node")!.holdMs(2000)[0]],
    ]);
    // The runner finds the loaded plugin by its name, as it does a built-in fault.
    const resolved = resolveFaults(["brief-freeze"], {
      kind: "external",
      canControlMembers: false,
    });
    assert.equal(resolved[0].side, "node");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fault plugin: a plugin may not take a built-in fault's name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-fault-name-" });
  try {
    const path = await outsidePlugin(dir);
    const text = (await Deno.readTextFile(path)).replace('"brief-freeze"', '"kill-node"');
    await Deno.writeTextFile(`${dir}/taken.ts`, text);
    await assert.rejects(
      loadFaultPlugins([`${dir}/taken.ts`]),
      /named "kill-node", which a built-in fault has: give it a name of its own/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
