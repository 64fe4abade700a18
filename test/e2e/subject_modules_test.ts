/**
 * Users' subject modules (`--subject ./my_lock.ts`), written as a user
 * would, importing only from mod.ts: the fenced lock comes out valid and
 * the unfenced one invalid under pause-node, as `--expect` pins them; bad
 * modules stop with exit 2 and one line naming what is missing; a subject
 * that throws mid-run gives unknown outcomes, its message in the node log,
 * and the run still ends with a verdict.
 */
import assert from "node:assert/strict";
import { cli, lines } from "../helpers/cli_helper.ts";
import { runCli } from "../helpers/run_helper.ts";
import type { RunResult } from "../../lib/runner/run.ts";

const fixture = (name: string) =>
  new URL(`../fixtures/subjects/${name}.ts`, import.meta.url).pathname;
/** The README's own examples are the subjects these runs drill. */
const example = (name: string) => new URL(`../../examples/${name}.ts`, import.meta.url).pathname;

// Seed 12 over 15 s aims two pauses of 5.2 and 4.4 s (past the 2 s TTL) at the lock holder.
const PAUSES = ["--faults", "pause-node", "--duration", "15s", "--fault-interval", "3s"]
  .concat(["--seed", "12"]);

Deno.test("subject modules: a user's fenced lock is valid under pause-node (--expect valid)", async () => {
  const r = await runCli([
    "lock",
    "--subject",
    example("fenced_lock"),
    ...PAUSES,
    "--expect",
    "valid",
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, true);
  assert.match(r.stdout, /expected valid, got valid: matches/);
  const safety = r.result!.checks.find((c) => c.name === "resource-safety")!;
  assert.ok(Number(safety.figures?.acknowledged) > 10, safety.summary);
  const overlaps = r.result!.checks.find((c) => c.name === "overlapping-holds")!;
  assert.ok(Number(overlaps.figures?.overlaps) > 0, "no pause hit a holder past its TTL");
});

Deno.test("subject modules: a user's unfenced lock loses updates under pause-node (--expect invalid)", async () => {
  const r = await runCli([
    "lock",
    "--subject",
    example("unfenced_lock"),
    ...PAUSES,
    "--expect",
    "invalid",
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, false);
  assert.match(r.stdout, /expected invalid, got INVALID: matches/);
  const safety = r.result!.checks.find((c) => c.name === "resource-safety")!;
  assert.match(safety.summary, /lost update/);
});

const BAD: [string, RegExp][] = [
  [
    "no_default",
    /no_default\.ts: default export must be a function .*not undefined \(is it exported\?\)/,
  ],
  [
    "not_a_function",
    /not_a_function\.ts: default export must be a function returning \{ acquire, write, release, lease \}/,
  ],
  [
    "throws_on_import",
    /cannot load subject .*throws_on_import\.ts: my_lock\.ts needs MY_LOCK_CONFIG/,
  ],
  ["no_release", /no_release\.ts.*returned an object without release/],
];
for (const [name, message] of BAD) {
  Deno.test(`subject modules: ${name} exits 2 with one line naming what is missing`, async () => {
    const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
    try {
      const r = await cli(
        ["lock", "--subject", fixture(name), "--duration", "3s", "--faults", "none"]
          .concat(["--quiet", "--out", out]),
      );
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, message);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
}

Deno.test("subject modules: a subject that throws mid-run gives unknown outcomes, logged, and a verdict", async () => {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    // --expect invalid on a run that comes out valid: exit 1, said so.
    const r = await cli(["lock", "--subject", fixture("throws_mid_run"), "--duration", "8s"]
      .concat(["--faults", "none", "--seed", "3", "--quiet", "--out", out, "--expect", "invalid"]));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /expected invalid, got valid: does NOT match/);
    const [dir] = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    const result: RunResult = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
    assert.equal(result.valid, true, "the run went on to a verdict");
    const history = (await Deno.readTextFile(`${dir}/history.ndjson`)).split("\n").filter(Boolean)
      .map((l) => JSON.parse(l));
    const unknown = history.filter((e) => e.kind === "op" && e.type === "info" && e.f === "write");
    assert.ok(unknown.length > 0, "the throws are unknown outcomes");
    assert.match(unknown[0].error, /my lock lost its connection/);
    const logs = [...Deno.readDirSync(`${dir}/nodes`)]
      .map((e) => Deno.readTextFileSync(`${dir}/nodes/${e.name}`)).join("");
    assert.match(
      logs,
      /write #\d+: outcome unknown: Error: my lock lost its connection \(write 3\)/,
    );
    assert.ok(result.stats.ok > unknown.length, "the other operations went on");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("subject modules: --expect takes valid or invalid on one run, nothing on run all", async () => {
  for (
    const [args, message] of [
      [["lock", "--expect"], /--expect on one run needs the verdict you expect/],
      [["lock", "--expect=maybe"], /--expect "maybe": give valid or invalid/],
      [["all", "--expect", "valid"], /run all --expect takes no verdict/],
    ] as [string[], RegExp][]
  ) {
    const r = await cli([...args, "--duration", "1s"]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
});
