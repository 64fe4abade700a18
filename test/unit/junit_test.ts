import assert from "node:assert/strict";
import { junitXml } from "../../lib/report/junit.ts";
import type { RunResult } from "../../lib/runner/run.ts";

function result(subject: string, valid: RunResult["valid"]): RunResult {
  return {
    version: 1,
    scenario: "lock",
    subject,
    cluster: { kind: "process", members: 3 },
    seed: 7,
    ttl: 2,
    durationMs: 20000,
    faults: ["pause-node"],
    plan: [],
    skippedFaults: [],
    valid,
    checks: [{
      name: "resource-safety",
      decides: true,
      judged: 1,
      applies: true,
      valid,
      summary: valid === true ? "fine" : "lost update: 2 lost update(s) <n1 & n2>",
    }],
    stats: { operations: 1, ok: 1, fail: 0, info: 0, events: 2 },
    dir: "/tmp/run",
    startedAt: "",
    elapsedMs: 1234,
  };
}

Deno.test("junit: one case per run; a verdict off its expectation is a failure naming the check", () => {
  const xml = junitXml([
    { result: result("reference", false), expectValid: true },
    { result: result("naive", false), expectValid: false },
    { result: result("etcd3", true), expectValid: false },
  ]);
  assert.match(xml, /<testsuite name="etcd-drills" tests="3" failures="2">/);
  assert.equal((xml.match(/<testcase /g) ?? []).length, 3);
  assert.equal((xml.match(/<failure /g) ?? []).length, 2);
  assert.match(xml, /message="verdict false: resource-safety"/);
  assert.match(xml, /did not catch this subject/);
  assert.match(xml, /&lt;n1 &amp; n2&gt;/, "evidence text is escaped");
});
