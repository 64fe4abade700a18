/**
 * A node is the leader of its own process group, and node faults act on the
 * group: what a node starts (an exec: program, an etcdctl) stops under
 * pause-node, goes on with it, and dies with it, also when the runner is
 * SIGKILLed. No cluster is needed: the fixture's nodes never reach etcd.
 */
import assert from "node:assert/strict";
import { HistoryWriter, wallClock } from "../../lib/history/writer.ts";
import { NodeHandle } from "../../lib/node/node_handle.ts";

const PLUGIN = new URL("../fixtures/child_plugin.ts", import.meta.url).href;
const DRIVER = new URL("../fixtures/node_driver.ts", import.meta.url).pathname;

/** `/proc/PID/stat`'s state letter and process group, or undefined once the process is gone (or a zombie). */
function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    return { state: fields[0], pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

async function eventually(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("process group: a node leads its group; pause stops its child, resume continues it, kill takes it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-test-pgroup-" });
  const history = await HistoryWriter.open(`${dir}/history.ndjson`, wallClock());
  const node = new NodeHandle(
    {
      id: "n1",
      role: "parent",
      logDir: dir,
      config: { scenario: PLUGIN, subject: "plain", prefix: "/t/", ttl: 2, seed: 1, params: {} },
    },
    ["http://127.0.0.1:1"],
    history,
  );
  try {
    await node.start();
    await eventually("the node reports its child", () => typeof node.state.child === "number");
    const pid = node.pid!;
    const child = node.state.child as number;
    assert.equal(procStat(pid)?.pgrp, pid, "the node's pid is its process group id");
    assert.equal(procStat(child)?.pgrp, pid, "the child is in the node's group");

    node.pause();
    await eventually(
      "node and child stopped",
      () => procStat(pid)?.state === "T" && procStat(child)?.state === "T",
    );
    node.resume();
    await eventually(
      "node and child running again",
      () => procStat(pid)?.state !== "T" && procStat(child)?.state !== "T",
    );

    node.pause();
    await eventually("child stopped again", () => procStat(child)?.state === "T");
    await node.kill();
    assert.equal(procStat(pid), undefined, "the node is gone");
    await eventually("the paused child is gone with its node", () => procStat(child) === undefined);
  } finally {
    await node.dispose();
    history.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("process group: a node's child dies when the runner is SIGKILLed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-test-pgroup-" });
  const driver = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", DRIVER, dir],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = driver.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`driver ended early: ${text}`);
      text += value;
    }
    const { node, child } = JSON.parse(text) as { node: number; child: number };
    assert.equal(typeof child, "number", "the node reported its child");
    assert.ok(procStat(node) && procStat(child), "node and child running");
    driver.kill("SIGKILL");
    await driver.status;
    await eventually(
      "node and child gone",
      () => procStat(node) === undefined && procStat(child) === undefined,
    );
    reader.cancel().catch(() => {});
  } finally {
    try {
      driver.kill("SIGKILL");
    } catch { /* gone */ }
    await Deno.remove(dir, { recursive: true });
  }
});
