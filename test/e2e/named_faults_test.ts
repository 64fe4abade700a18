/**
 * A fault the user names runs where it is aimed, and a run's plan replays: `flap-node@discoverer`
 * hits only discoverers, `faults-ran` says each named fault ran, and the plan array of results.json,
 * given back as --faults-file, hits the same targets at the same times.
 */
import assert from "node:assert/strict";
import { runCli } from "../helpers/run_helper.ts";

Deno.test("named faults: aimed at a role, each runs; results.json's plan replays on the same targets", async () => {
  const first = await runCli([
    "discovery",
    ...["--faults", "flap-node@discoverer,kill-node@service", "--duration", "8s", "--seed", "3"],
  ]);
  const r = first.result;
  assert.ok(r, first.stderr);
  const ran = r.checks.find((c) => c.name === "faults-ran")!;
  assert.equal(ran.valid, true, ran.summary);
  assert.deepEqual(r.faults, ["flap-node@discoverer", "kill-node@service"]);
  const flaps = r.plan.filter((p) => p.fault === "flap-node");
  assert.ok(flaps.length > 0 && flaps.every((p) => p.role === "discoverer"));
  const started = r.plan.filter((p) => p.targets);
  assert.ok(started.length >= 2, JSON.stringify(r.plan));
  // n1–n3 are services, n4–n5 discoverers in discovery's default layout.
  for (const p of flaps.filter((p) => p.targets)) assert.match(p.targets![0], /^n[45]$/);

  const dir = await Deno.makeTempDir({ prefix: "drills-replay-" });
  try {
    await Deno.writeTextFile(`${dir}/plan.json`, JSON.stringify(r.plan));
    const replay = await runCli([
      "discovery",
      ...["--faults-file", `${dir}/plan.json`, "--duration", "8s", "--seed", "3"],
    ]);
    assert.ok(replay.result, replay.stderr);
    const hit = (plan: typeof r.plan) => plan.map((p) => [p.at, p.fault, p.targets]);
    assert.deepEqual(hit(replay.result.plan), hit(r.plan));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
