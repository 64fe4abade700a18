/**
 * Programs that do not speak the protocol never hang a run: one that writes
 * garbage, or exits at once, stops it with exit 2 and one line saying why;
 * one that reads its calls and never answers ends with a verdict when the
 * workload ends. Nothing is left running.
 */
import assert from "node:assert/strict";
import { cli, lines } from "../helpers/cli_helper.ts";
import { leftoverProcesses } from "../helpers/run_helper.ts";
import { programsWith } from "../helpers/exec_kit_helper.ts";

async function drill(scenario: string, program: string, duration = "8s") {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  const tag = `drills-tag-${crypto.randomUUID()}`;
  try {
    const r = await cli([
      scenario,
      "--subject",
      `exec:sh -c '${program}' ${tag}`,
      "--faults",
      "none",
      "--duration",
      duration,
      "--out",
      out,
      "--quiet",
    ]);
    assert.deepEqual(leftoverProcesses(out), []);
    const dirs = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    let results: Record<string, unknown> | undefined;
    try {
      results = JSON.parse(await Deno.readTextFile(`${dirs[0]}/results.json`));
    } catch { /* stopped before the checks */ }
    return { ...r, results, left: programsWith(tag) };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test("exec: a program that writes garbage stops the run with exit 2 and one line", async () => {
  const r = await drill("queue", "while read l; do echo garbage; done");
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const errors = lines(r.stderr).filter((l) => l.startsWith("error:"));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0], /gave no well-formed answer to any of its first 5 calls/);
  assert.deepEqual(r.left, []);
});

Deno.test("exec: a program that exits at once stops the run with exit 2 and one line", async () => {
  const r = await drill("pubsub", "exit 0");
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const errors = lines(r.stderr).filter((l) => l.startsWith("error:"));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0], /exited \(or could not start\) 3 times in a row/);
  assert.deepEqual(r.left, []);
});

Deno.test("exec: a program that never answers ends with a verdict when the workload ends", async () => {
  const r = await drill("election", "cat >/dev/null", "6s");
  assert.ok(r.code === 0 || r.code === 1, r.stdout + r.stderr);
  assert.ok(r.results, "no results.json: " + r.stderr);
  assert.notEqual(r.results.valid, true, "nothing happened: the verdict cannot be valid");
  assert.deepEqual(r.left, []);
});
