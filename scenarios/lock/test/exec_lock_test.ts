/**
 * A lock subject written in Python (test/fixtures/exec/lock.py: etcd's JSON
 * gateway, standard library only) drilled through the exec line protocol:
 * fenced, it stays valid under pause-node, kill-node and partition-node;
 * unfenced, it is caught losing updates under pause-node; its program is
 * paused and killed with its node, and none is left after a run, also after
 * a SIGKILLed runner.
 */
import assert from "node:assert/strict";
import { cli, lines } from "../../../test/helpers/cli_helper.ts";
import { leftoverProcesses } from "../../../test/helpers/run_helper.ts";
import type { RunResult } from "../../../lib/runner/run.ts";
import { HistoryWriter, wallClock } from "../../../lib/history/writer.ts";
import { NodeHandle } from "../../../lib/node/node_handle.ts";

const LOCK_PY = new URL("../../../test/fixtures/exec/lock.py", import.meta.url).pathname;
const MAIN = new URL("../../../main.ts", import.meta.url).pathname;
const CLEAN = new URL("../../../clean.ts", import.meta.url).pathname;
const LOCK_SCENARIO = new URL("../mod.ts", import.meta.url).href;

/** The fixture's command line, tagged so this run's programs can be found in /proc. */
function subject(tag: string, ...flags: string[]): string {
  return `exec:python3 ${LOCK_PY} ${flags.join(" ")} --tag ${tag}`.replace(/ +/g, " ");
}

/** Live programs (not the runner, whose arguments hold the tag too) whose command line holds `text`. */
function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const p of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(p.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${p.name}/cmdline`).replaceAll("\0", " ");
      const program = cmd.includes(text) && !cmd.includes("main.ts");
      if (program && state(Number(p.name)) !== "Z") found.push(Number(p.name));
    } catch { /* gone */ }
  }
  return found;
}

/** A process's state letter from /proc/PID/stat, or undefined when it is gone. */
function state(pid: number): string | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

const gone = (pid: number) => state(pid) === undefined || state(pid) === "Z";

async function eventually(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Drilled {
  code: number;
  output: string;
  result: RunResult;
  /** Every node's log, one after another. */
  nodeLogs: string;
  left: number[];
}

/** Runs the lock scenario on the Python subject; returns the verdict, n1's log and the programs left running. */
async function drill(
  faults: string,
  seed: number,
  o: { flags?: string[]; duration?: string } = {},
): Promise<Drilled> {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  const tag = `drills-tag-${crypto.randomUUID()}`;
  try {
    const r = await cli([
      "lock",
      "--subject",
      subject(tag, ...(o.flags ?? [])),
      "--faults",
      faults,
      "--duration",
      o.duration ?? "20s",
      "--fault-interval",
      "3s",
      "--seed",
      String(seed),
      "--out",
      out,
      "--quiet",
    ]);
    const [dir] = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    const result: RunResult = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
    let nodeLogs = "";
    for (const log of [...Deno.readDirSync(`${dir}/nodes`)].map((e) => e.name).sort()) {
      nodeLogs += await Deno.readTextFile(`${dir}/nodes/${log}`);
    }
    assert.deepEqual(leftoverProcesses(out), []);
    return {
      code: r.code,
      output: r.stdout + r.stderr,
      result,
      nodeLogs,
      left: processesWith(tag),
    };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

const check = (r: Drilled, name: string) => r.result.checks.find((c) => c.name === name)!;

// Seed 23 with these faults kills a holder first (a solo window), then aims three pauses of
// 2.5–4.5 s (past the 2 s TTL) at holders, with a cut between them.
Deno.test("exec lock: the fenced Python lock stays valid under pause-node, kill-node and partition-node; no program is left", async () => {
  const r = await drill("pause-node,kill-node,partition-node", 23);
  assert.equal(r.code, 0, r.output);
  assert.equal(r.result.valid, true);
  const faults = r.result.plan.map((f) => f.fault);
  assert.ok(
    ["pause-node", "kill-node", "partition-node"].every((f) => faults.includes(f)),
    String(faults),
  );
  assert.ok(Number(check(r, "resource-safety").figures?.acknowledged) > 10, r.output);
  assert.ok(Number(check(r, "overlapping-holds").figures?.overlaps) > 0, "no pause hit a holder");
  assert.match(
    r.nodeLogs,
    /exec\[\d+\] lock\.py n1#1\.1 \(fenced\)/,
    "its stderr is in the node log",
  );
  // A killed node's next incarnation started its own program.
  assert.match(r.nodeLogs, /exec\[\d+\] lock\.py n\d#2\.1 \(fenced\)/);
  assert.deepEqual(r.left, [], "no python process outlives the run");
});

// Seed 12 over 15 s aims two pauses of 5.2 and 4.4 s (past the 2 s TTL) at the lock holder.
Deno.test("exec lock: the unfenced Python lock loses updates under pause-node", async () => {
  const r = await drill("pause-node", 12, { flags: ["--unfenced"], duration: "15s" });
  assert.equal(r.code, 1, r.output);
  assert.equal(r.result.valid, false);
  assert.match(check(r, "resource-safety").summary, /lost update/);
  assert.deepEqual(r.left, []);
});

Deno.test("exec lock: the program is paused with its node and killed with it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-test-execnode-" });
  const history = await HistoryWriter.open(`${dir}/history.ndjson`, wallClock());
  const tag = `drills-tag-${crypto.randomUUID()}`;
  const node = new NodeHandle(
    {
      id: "n1",
      role: "contender",
      logDir: dir,
      // No cluster: the program keeps trying to acquire, which is all this needs.
      config: {
        scenario: LOCK_SCENARIO,
        subject: subject(tag),
        prefix: "/t/",
        ttl: 2,
        seed: 1,
        params: { workMs: 300 },
      },
    },
    ["http://127.0.0.1:1"],
    history,
  );
  try {
    await node.start();
    await eventually("the node started its program", () => processesWith(tag).length === 1, 20_000);
    // The channel may have restarted the program (a call past its deadline) by the time the
    // pause lands: judge whatever programs of this node exist, not one pid.
    const programs = () => processesWith(tag);
    node.pause();
    await eventually(
      "the program stopped with its node",
      () => programs().length > 0 && programs().every((p) => state(p) === "T"),
    );
    node.resume();
    await eventually("the program runs again", () => programs().some((p) => state(p) !== "T"));
    await node.kill();
    await eventually("the program died with its node", () => programs().every(gone));
  } finally {
    await node.dispose();
    history.close();
    await Deno.remove(dir, { recursive: true });
  }
});

for (const signal of ["SIGINT", "SIGKILL"] as const) {
  Deno.test(`exec lock: a runner stopped by ${signal} leaves no program behind`, async () => {
    const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
    const tag = `drills-tag-${crypto.randomUUID()}`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", MAIN, "lock", "--subject", subject(tag), "--faults", "none"]
        .concat(["--duration", "60s", "--out", out]),
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      await eventually("five programs running", () => processesWith(tag).length === 5, 60_000);
      child.kill(signal);
      const status = await child.status;
      if (signal === "SIGINT") {
        assert.equal(status.code, 130, "Ctrl-C cleans up and exits 130");
        assert.deepEqual(processesWith(tag), [], "the clean-up ended every program");
      }
      await eventually("every program gone", () => processesWith(tag).length === 0);
      await eventually("every etcd and node gone", () => leftoverProcesses(out).length === 0);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await new Deno.Command(Deno.execPath(), { args: ["run", "-A", "--quiet", CLEAN] }).output();
      await Deno.remove(out, { recursive: true });
    }
  });
}

Deno.test("exec lock: a program that exits before answering anything stops the run: exit 2, one line", async () => {
  const exits = new URL("../../../test/fixtures/exec/exits.sh", import.meta.url).pathname;
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const r = await cli(["lock", "--subject", `exec:${exits}`, "--duration", "5s", "--faults"]
      .concat(["none", "--quiet", "--out", out]));
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(
      r.stderr,
      /exited \(or could not start\) 3 times in a row before answering a call/,
    );
    assert.deepEqual(leftoverProcesses(out), []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
