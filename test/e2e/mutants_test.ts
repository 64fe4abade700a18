/** The mutants' fast subset: each defect of it is caught by the checks (real cluster, pinned seed). */
import assert from "node:assert/strict";
import { MUTANTS } from "../../mutants/catalogue.ts";
import { asPromised, runMutant } from "../../mutants/main.ts";

Deno.test("mutants: the catalogue has at least two per scenario it covers, each unique and with its module", async () => {
  const names = new Set(MUTANTS.map((m) => m.name));
  assert.equal(names.size, MUTANTS.length);
  for (const scenario of new Set(MUTANTS.map((m) => m.scenario))) {
    assert.ok(MUTANTS.filter((m) => m.scenario === scenario).length >= 2, scenario);
  }
  for (const m of MUTANTS) {
    const mod = await import(m.module);
    assert.ok(mod.default, `${m.module} has a default export`);
  }
});

for (const m of MUTANTS.filter((m) => m.fast)) {
  Deno.test(`mutants: ${m.name} is ${m.equivalent ? "equivalent" : "caught"}`, async () => {
    const o = await runMutant(m);
    assert.ok(
      asPromised(o),
      `${m.name}: ${o.status} (${o.verdict}) ${o.failing.join(",")} ${o.note}`,
    );
  });
}

Deno.test("mutants: a bad option is one line and exit 2; --help says how to use it", async () => {
  const main = new URL("../../mutants/main.ts", import.meta.url).pathname;
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), { args: ["run", "-A", "--quiet", main, ...args] }).output();
  const bad = await run(["--nope"]);
  const err = new TextDecoder().decode(bad.stderr).trim();
  assert.equal(bad.code, 2, err);
  assert.equal(err.split("\n").length, 1, err);
  assert.match(err, /Unknown option '--nope'.*--help/);
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(new TextDecoder().decode(help.stdout), /--only N,N/);
});
