/**
 * The discovery scenario end to end on a real 3-member process cluster,
 * through the CLI as a user runs it: the reference registry stays valid under
 * kills, lease revocations and cuts, and the naive one leaks leases.
 */
import assert from "node:assert/strict";
import { runCli } from "../../../test/helpers/run_helper.ts";

// Seed 12 plans, within 20 s, two cuts of 4.8 and 3.3 s (past the 2 s TTL), three
// revocations and two kills, each aimed (80% draw) at a registered service.
const RUN = [
  "discovery",
  "--faults",
  "kill-node,kill-lease,partition-node",
  "--duration",
  "20s",
  "--seed",
  "12",
];

Deno.test("discovery: the reference registry stays valid under kills, revocations and cuts", async () => {
  const r = await runCli([...RUN, "--subject", "reference"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, true);
  const check = (name: string) => r.result!.checks.find((c) => c.name === name)!;
  // The faults really hit: revocations made services register again, and the latency figures are kept.
  assert.ok(Number(check("re-registration").figures?.judged) > 0, check("re-registration").summary);
  assert.ok("removalMs_p95" in check("removal-latency").figures!);
  // No lease leaked (a service may be between two registrations at the final census).
  assert.equal(check("lease-hygiene").valid, true, check("lease-hygiene").summary);
  // Churn and faults made many revisions, and every view was judged at its own.
  assert.ok(check("views-at-revision").judged! >= 30, check("views-at-revision").summary);
});

Deno.test("discovery: a discoverer that silently drops a watch event is caught at its revision, under the default faults", async () => {
  const lossy = new URL("../../../test/fixtures/lossy_discoverer.ts", import.meta.url).pathname;
  const r = await runCli(["discovery", "--subject", lossy, "--duration", "20s", "--seed", "12"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const views = r.result!.checks.find((c) => c.name === "views-at-revision")!;
  assert.equal(views.valid, false, views.summary);
  assert.match(views.summary, /at revision \d+ lacks the (put|delete) of /);
});

// Every refresh tick (TTL / 3) grants a lease the old key leaves: no fault is needed to leak.
Deno.test("discovery: the naive registry leaks a lease on every refresh", async () => {
  const r = await runCli([
    "discovery",
    "--subject",
    "naive",
    "--faults",
    "none",
    "--duration",
    "5s",
  ]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.result?.valid, false);
  const hygiene = r.result!.checks.find((c) => c.name === "lease-hygiene")!;
  assert.equal(hygiene.valid, false);
  assert.match(hygiene.summary, /lease leak/);
  assert.ok(Number(hygiene.figures?.orphanLeases) > 0, hygiene.summary);
});
