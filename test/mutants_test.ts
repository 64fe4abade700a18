/** The mutants' fast subset: each defect of it is caught by the checks (real cluster, pinned seed). */
import assert from "node:assert/strict";
import { MUTANTS } from "../mutants/catalogue.ts";
import { asPromised, runMutant } from "../mutants/main.ts";

Deno.test("mutants: the catalogue has at least two per scenario it covers, each unique and with its module", async () => {
  const names = new Set(MUTANTS.map((m) => m.name));
  assert.equal(names.size, MUTANTS.length);
  for (const scenario of new Set(MUTANTS.map((m) => m.scenario))) {
    assert.ok(MUTANTS.filter((m) => m.scenario === scenario).length >= 2, scenario);
  }
  for (const m of MUTANTS) {
    const mod = await import(new URL(`../mutants/${m.module}`, import.meta.url).href);
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
