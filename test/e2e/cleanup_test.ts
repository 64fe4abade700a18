import assert from "node:assert/strict";
import { leftoverProcesses, leftoverTempDirs } from "../helpers/run_helper.ts";
import { cli, startRun } from "../helpers/cli_helper.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const CLEAN = new URL("../../clean.ts", import.meta.url).pathname;

async function eventually(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test("cleanup: a normal run leaves no etcd or node process and no temp dir", async () => {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const plugin = new URL("../fixtures/register_plugin.ts", import.meta.url).pathname;
    const r = await cli([plugin, "--duration", "2s", "--faults", "none", "--out", out, "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(leftoverProcesses(out), []);
    assert.deepEqual(leftoverTempDirs(out), []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("cleanup: a runner that crashes mid-run exits 2 and leaves nothing behind", async () => {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const plugin = new URL("../fixtures/crashing_plugin.ts", import.meta.url).pathname;
    const r = await cli([plugin, "--duration", "2s", "--faults", "none", "--out", out, "--quiet"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /boom: final reads crashed/);
    assert.deepEqual(leftoverProcesses(out), []);
    assert.deepEqual(leftoverTempDirs(out), []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("cleanup: Ctrl-C mid-run leaves no etcd or node process and no temp dir", async () => {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const child = await startRun(out);
    assert.ok(
      leftoverProcesses(out).length >= 8,
      "the run should have 3 members and 5 nodes running",
    );
    child.kill("SIGINT");
    const status = await child.status;
    assert.equal(status.code, 130);
    assert.deepEqual(leftoverProcesses(out), []);
    assert.deepEqual(leftoverTempDirs(out), []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("cleanup: SIGTERM and SIGHUP mid-run tear it down as Ctrl-C does, under the busiest fault schedule", async () => {
  for (const [signal, code] of [["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
    try {
      // The shortest fault interval there is: the event loop must stay free to hear the signal.
      const child = await startRun(out, [
        "--faults",
        "pause-node,kill-node",
        "--fault-interval",
        "100ms",
      ]);
      child.kill(signal);
      const status = await child.status;
      assert.equal(status.code, code, `${signal}: exit code`);
      assert.deepEqual(leftoverProcesses(out), [], `${signal}: processes left`);
      assert.deepEqual(leftoverTempDirs(out), [], `${signal}: temp dirs left`);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  }
});

Deno.test("cleanup: a runner whose parent dies (timeout killing the npx in front) tears the run down", async () => {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    // A parent that starts the runner, then is SIGKILLed: the runner is orphaned, with no signal.
    const cmd = [Deno.execPath(), "run", "-A", "--quiet", MAIN, "lock", "--duration", "60s"]
      .concat(["--out", out, "--quiet"]).map((a) => `'${a}'`).join(" ");
    const parent = new Deno.Command("sh", {
      args: ["-c", `${cmd} </dev/null >/dev/null 2>&1 & wait`],
      stdin: "null",
    }).spawn();
    await eventually(
      "the run's members and nodes up",
      () => leftoverProcesses(out).length >= 8,
      60_000,
    );
    parent.kill("SIGKILL");
    await parent.status;
    await eventually(
      "the orphaned run torn down",
      () => leftoverProcesses(out).length === 0,
      30_000,
    );
    await eventually("its temp dir removed", () => leftoverTempDirs(out).length === 0, 10_000);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("cleanup: a runner killed outright takes its processes with it; clean removes its temp dir", async () => {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const child = await startRun(out);
    child.kill("SIGKILL");
    await child.status;
    await eventually("all etcd and node processes gone", () => leftoverProcesses(out).length === 0);
    const left = leftoverTempDirs(out);
    assert.equal(left.length, 1, "a SIGKILLed run cannot remove its own temp dir");
    const clean = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", "--quiet", CLEAN] })
      .output();
    assert.ok(clean.success);
    assert.deepEqual(leftoverTempDirs(out), []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
