/**
 * The Go subject `go` (go/recipes, etcd's clientv3 from Debian's
 * packages) in discovery: a run that needs it unbuilt stops with one line saying how to
 * build it; built, it runs under discovery's default faults to the verdict
 * measured for it, and leaves no program running.
 */
import assert from "node:assert/strict";
import { lines } from "../helpers/cli_helper.ts";
import { processesMentioning, runAndRead, runPrefix } from "../helpers/subject_processes.ts";
import { buildGoSubjects } from "../../go/build.ts";

Deno.test("discovery --subject go unbuilt: exit 2, one line naming deno task go-subjects", async () => {
  const r = await runAndRead(
    ["discovery", "--subject", "go", "--duration", "5s", "--faults", "none", "--seed", "1"],
    { DRILLS_GO_BIN_DIR: "/nonexistent/go-subjects" },
  );
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
  assert.match(r.stderr, /the Go subject go is not built .*task go-subjects/);
});

Deno.test("discovery --subject go: Go's Session leases and Watch stay valid under the default faults", async () => {
  await buildGoSubjects(); // seconds when Go's build cache is warm
  // Seed 1 kills, partitions and revokes the leases of services (README, "etcd's Go client").
  const r = await runAndRead(["discovery", "--subject", "go", "--duration", "20s", "--seed", "1"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result?.valid, true);
  const removal = r.result!.checks.find((c) => c.name === "removal-latency")!;
  assert.ok(Number(removal.figures?.judged) > 0, removal.summary);
  // Registrations came from the Go program: each under a lease it named.
  const registered = r.events.filter((e) => e.f === "register" && e.type === "ok");
  assert.ok(registered.length >= 4);
  assert.ok(registered.every((e) => /^\d+$/.test(String((e.value as { lease?: string }).lease))));
  assert.deepEqual(processesMentioning(runPrefix(r.events)!), []);
});

Deno.test("queue --subject go-seed: the write-up's get-then-delete hands items out twice", async () => {
  await buildGoSubjects();
  // Seeds 1 and 2 over 15 s: 105 and 153 items dequeued twice (scenarios/queue/FINDINGS.md).
  const r = await runAndRead(["queue", "--subject", "go-seed", "--duration", "10s", "--seed", "1"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.result?.valid, false);
  const total = r.result!.checks.find((c) => c.name === "total-queue")!;
  assert.equal(total.valid, false, total.summary);
  assert.match(total.summary, /[1-9]\d* duplicated/);
  // The claims came from the Go program: plain deletes, each acknowledged.
  assert.ok(r.events.some((e) => e.f === "dequeue" && e.type === "ok"));
  assert.deepEqual(processesMentioning(runPrefix(r.events)!), []);
});
