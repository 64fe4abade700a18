/** The check-history CLI as a subprocess: its exit codes and its output on files written here. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { generateRegister, toJepsenLog } from "./generate_register.ts";
import { generateKv } from "./generate_kv.ts";
import { toKvNdjson } from "./kv_ndjson.ts";

const CLI = new URL("../../cli/check_history.ts", import.meta.url).pathname;

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: r.code, out: d.decode(r.stdout), err: d.decode(r.stderr) };
}

Deno.test("check-history: exit codes, one line per file, the report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "check_history_test_" });
  try {
    const f = (name: string) => join(dir, name);
    await Deno.writeTextFile(
      f("good.log"),
      toJepsenLog(generateRegister({ seed: 1, clients: 4, ops: 300 }).records, 4),
    );
    await Deno.writeTextFile(
      f("bad.log"),
      toJepsenLog(
        generateRegister({ seed: 1, clients: 4, ops: 300, anomaly: "stale-read" }).records,
        4,
      ),
    );
    await Deno.writeTextFile(
      f("bad.ndjson"),
      toKvNdjson(generateKv({ seed: 2, clients: 4, ops: 300, anomaly: "lost-write" }).records),
    );
    await Deno.writeTextFile(
      f("good.ndjson"),
      toKvNdjson(generateKv({ seed: 2, clients: 4, ops: 300 }).records),
    );
    await Deno.writeTextFile(
      f("broken.log"),
      "INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:cas\t[1]\n",
    );

    let r = await run("--model", "register", f("good.log"));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /: linearizable/);

    r = await run("--model", "register", "--out", f("out"), f("bad.log"));
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /not linearizable/);
    assert.match(r.out, /no order admits this window/);
    const html = await Deno.readTextFile(f("out/report.html"));
    assert.match(html, /<svg/);
    const json = JSON.parse(await Deno.readTextFile(f("out/result.json")));
    assert.equal(json.verdict, "not linearizable");

    r = await run("--model", "kv", f("good.ndjson"));
    assert.equal(r.code, 0, r.err);
    r = await run("--model", "kv", f("bad.ndjson"));
    assert.equal(r.code, 1, r.err);

    r = await run("--model", "register", f("broken.log"));
    assert.equal(r.code, 2);
    assert.match(r.err, /broken\.log:2: .*:ok :cas completes process 0's :write/);

    r = await run("--model", "register", f("good.log"), f("bad.log"));
    assert.equal(r.code, 1);
    assert.match(r.out, /good\.log\tlinearizable\n.*bad\.log\tnot linearizable\ntotal [\d.]+ s/);

    r = await run("--model", "register", f("good.log"), f("broken.log"), f("bad.log"));
    assert.equal(r.code, 2);

    r = await run("--model", "kv", "--budget", "0.001ms", f("good.ndjson"));
    assert.equal(r.code, 3, r.out); // unknown: the budget ran out

    r = await run("--model", "graph", f("good.log"));
    assert.equal(r.code, 2);
    assert.match(r.err, /give --model register or --model kv/);
    r = await run("--model", "kv", "--budget", "soon", f("good.ndjson"));
    assert.equal(r.code, 2);
    r = await run("--help");
    assert.equal(r.code, 0);
    assert.match(r.out, /--budget/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
