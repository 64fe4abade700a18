/**
 * Each disaster drill in a short run of the lock scenario's reference
 * subject on a process cluster, one drill at a fixed time (--faults-file):
 * its effect shows in the history and in the member logs.
 */
import assert from "node:assert/strict";
import { cli } from "../helpers/cli_helper.ts";
import type { RunResult } from "../../lib/report/result.ts";

/** What a run left: its result, its history events, each member's log. */
interface KeptRun {
  code: number;
  output: string;
  result: RunResult;
  events: Record<string, unknown>[];
  logs: Map<string, string>;
}

/** Runs `lock --subject reference` with one drill at 2 s, holding `hold`; reads what it left, then removes it. */
async function drillRun(fault: string, hold: string, seconds = 12): Promise<KeptRun> {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const plan = `${out}/plan.json`;
    await Deno.writeTextFile(plan, JSON.stringify([{ at: "2s", fault, hold }]));
    const r = await cli([
      "lock",
      "--subject",
      "reference",
      "--faults-file",
      plan,
      "--duration",
      `${seconds}s`,
      "--seed",
      "1",
      "--out",
      out,
      "--quiet",
    ]);
    const dir = [...Deno.readDirSync(out)].find((e) => e.isDirectory)?.name;
    assert.ok(dir, `no run directory: ${r.stdout}${r.stderr}`);
    const at = `${out}/${dir}`;
    const result = JSON.parse(await Deno.readTextFile(`${at}/results.json`)) as RunResult;
    const events = (await Deno.readTextFile(`${at}/history.ndjson`)).split("\n")
      .filter((l) => l.trim()).map((l) => JSON.parse(l));
    const logs = new Map<string, string>();
    for (const e of Deno.readDirSync(`${at}/etcd`)) {
      logs.set(e.name.replace(/\.log$/, ""), await Deno.readTextFile(`${at}/etcd/${e.name}`));
    }
    return { code: r.code, output: r.stdout + r.stderr, result, events, logs };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

type FaultEvent = {
  type: "start" | "stop";
  fault: string;
  targets: string[];
  detail: Record<string, unknown>;
  time: number;
};

function faultEvents(run: KeptRun, fault: string): { start: FaultEvent; stop: FaultEvent } {
  const ev = run.events.filter((e) => e.kind === "fault" && e.fault === fault) as FaultEvent[];
  const start = ev.find((e) => e.type === "start");
  const stop = ev.find((e) => e.type === "stop");
  assert.ok(start && stop, `${fault} did not run:\n${run.output}`);
  return { start, stop };
}

function check(run: KeptRun, name: string) {
  const c = run.result.checks.find((x) => x.name === name);
  assert.ok(c, `no check ${name}`);
  return c;
}

/** How many times a member's log says it started (a restart on its data says so again). */
const starts = (log: string) => log.split("\n").filter((l) => /starting an etcd server/.test(l));

Deno.test("kill-quorum in a run: no read succeeds while the majority is down, no acknowledged write is lost, the dead restart on their data", async () => {
  const run = await drillRun("kill-quorum", "3s");
  const { start, stop } = faultEvents(run, "kill-quorum");
  assert.equal((start.detail.writeProbe as { refused: boolean }).refused, true);
  const killedAt = start.detail.killedAt as number;
  const steps = stop.detail.steps as { step: string; at: number }[];
  const restartedAt = steps[0].at;
  // The run's probe reads through every member in turn: none started after the kill succeeds before the restart.
  const probes = run.events.filter((e) =>
    e.kind === "probe" && (e.time as number) - (e.latencyMs as number) >= killedAt &&
    (e.time as number) <= restartedAt
  );
  assert.ok(probes.length > 0, "no probe fell in the window");
  assert.deepEqual(probes.filter((p) => p.ok), [], "a read succeeded without a quorum");
  assert.equal(check(run, "cluster-converged").valid, true);
  assert.equal(check(run, "resource-safety").valid, true, "an acknowledged write was lost");
  for (const m of start.targets) {
    assert.equal(starts(run.logs.get(m)!).length, 2, `${m} did not start again`);
    assert.match(run.logs.get(m)!, /server has been already initialized/);
  }
});

Deno.test("kill-all in a run: every member starts again from its data dir and they converge", async () => {
  const run = await drillRun("kill-all", "3s");
  const { start } = faultEvents(run, "kill-all");
  assert.deepEqual(start.targets, ["m1", "m2", "m3"]);
  for (const m of start.targets) {
    assert.match(run.logs.get(m)!, /server has been already initialized/, `${m} cold start`);
  }
  assert.equal(check(run, "cluster-converged").valid, true);
  assert.equal(check(run, "resource-safety").valid, true, "an acknowledged write was lost");
});

Deno.test("restore-snapshot in a run: the revision after the restore is lower than before, the members start on restored data dirs", async () => {
  const run = await drillRun("restore-snapshot", "4s");
  const { start, stop } = faultEvents(run, "restore-snapshot");
  const d = stop.detail as {
    snapshotRevision: number;
    revisionBefore: number;
    revisionAfter: number;
  };
  assert.equal(d.snapshotRevision, start.detail.snapshotRevision);
  assert.ok(d.revisionAfter < d.revisionBefore, JSON.stringify(d));
  for (const m of ["m1", "m2", "m3"]) {
    const [, restarted] = starts(run.logs.get(m)!);
    assert.match(restarted ?? "", new RegExp(`${m}-restored-1`), `${m} did not start restored`);
  }
  assert.equal(check(run, "cluster-converged").valid, true);
});

Deno.test("lag-until-snapshot in a run: the leader sent the cut-off follower a snapshot, which it saved, and it caught up", async () => {
  const run = await drillRun("lag-until-snapshot", "0s");
  const { stop } = faultEvents(run, "lag-until-snapshot");
  const d = stop.detail as Record<string, unknown>;
  assert.equal(d.compactedPast, true, JSON.stringify(d));
  assert.equal(d.snapshotSent, true, JSON.stringify(d));
  assert.equal(d.caughtUp, true, JSON.stringify(d));
  assert.match(run.logs.get(d.follower as string)!, /received and saved database snapshot/);
  // Whoever led after the heal sent it (the follower's raised term may have forced an election).
  const senders = [...run.logs].filter(([m, log]) =>
    m !== d.follower && /sent database snapshot/.test(log)
  );
  assert.ok(senders.length > 0, "no member's log says it sent a database snapshot");
  assert.equal(check(run, "cluster-converged").valid, true);
});
