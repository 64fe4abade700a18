import assert from "node:assert/strict";
import { detectionChecker } from "../checks/detection.ts";
import { falseAlarmChecker } from "../checks/false_alarms.ts";
import { recoveryChecker } from "../checks/recovery.ts";
import { input, RegistryHistory } from "../../discovery/test/registry_fixtures.ts";

const detection = detectionChecker().check;
const falseAlarms = falseAlarmChecker().check;
const recovery = recoveryChecker().check;

const up = (h: RegistryHistory, member: string, t: number, revision?: number) =>
  h.op("n3", "up", t, t, "ok", { member, revision }, revision);
const down = (h: RegistryHistory, member: string, t: number, revision?: number) =>
  h.op("n3", "down", t, t, "ok", { member, revision }, revision);

/** Members n1 and n2 heartbeat from t=300; monitor n3 reports both up. */
function base(): RegistryHistory {
  const h = new RegistryHistory()
    .spawn("n1", "member", 0)
    .spawn("n2", "member", 0)
    .spawn("n3", "monitor", 0)
    .op("n1", "register", 200, 250, "ok", { key: "/h/n1", value: "{}", lease: "11" }, 2)
    .op("n2", "register", 200, 300, "ok", { key: "/h/n2", value: "{}", lease: "12" }, 3);
  up(h, "n1", 260, 2);
  return up(h, "n2", 310, 3);
}

/** n1 killed at 5000, restarted at 6000 (first act at 7000); down at `downAt`, up at `upAt`. */
function killed(downAt?: number, upAt?: number): RegistryHistory {
  const h = base().fault("kill-node", ["n1"], 5000, 6000).exit("n1", 5001)
    .spawn("n1", "member", 6000, 2)
    .op("n1", "register", 7000, 7100, "ok", { key: "/h/n1", value: "{}", lease: "21" }, 5, 2);
  if (downAt !== undefined) down(h, "n1", downAt, 4);
  if (upAt !== undefined) up(h, "n1", upAt, 5);
  return h.end(20_000);
}

Deno.test("detection: a killed member reported down within TTL + 1.5 s", () => {
  const r = detection(input(killed(6800, 7120)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.judged, 1);
  assert.equal(r.figures?.detectionMs_max, 1800);
  assert.match(r.summary, /median 1800 ms/);
});

Deno.test("detection: a flap never reported down, or reported late, fails", () => {
  const never = detection(input(killed()));
  assert.equal(never.valid, false);
  assert.equal((never.evidence![0] as { latencyMs: number | null }).latencyMs, null);
  assert.match(never.summary, /none measured/);
  const late = detection(input(killed(9000, 9100)));
  assert.equal(late.valid, false);
  assert.equal((late.evidence![0] as { latencyMs: number }).latencyMs, 4000);
});

Deno.test("detection: not judged while the monitor or a member is faulted, nor for a short pause", () => {
  const monitorCut = killed().fault("partition-node", ["n3"], 4000, 8000);
  assert.equal(detection(input(monitorCut)).figures?.judged, 0);
  const memberFault = killed().fault("partition", ["m1"], 5500, 7000);
  assert.equal(detection(input(memberFault)).figures?.judged, 0);
  const shortPause = base().fault("pause-node", ["n1"], 5000, 6500).end(20_000);
  assert.equal(detection(input(shortPause)).figures?.judged, 0);
  const longPause = base().fault("pause-node", ["n1"], 5000, 10_000).end(20_000);
  assert.equal(detection(input(longPause)).valid, false);
});

Deno.test("detection: a lagging monitor that had not reported the member up must still report its death", () => {
  // The poller never saw n1 up before the kill, then shows its stale key as up and never down.
  const h = new RegistryHistory()
    .spawn("n1", "member", 0)
    .spawn("n3", "monitor", 0)
    .op("n1", "register", 200, 250, "ok", { key: "/h/n1", value: "{}", lease: "11" }, 2)
    .fault("kill-node", ["n1"], 5000, 6000).exit("n1", 5001)
    .end(20_000);
  up(h, "n1", 5500);
  const r = detection(input(h));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.judged, 1);
});

Deno.test("detection: a member whose lease was just revoked is not judged on its kill", () => {
  const h = base()
    .faultWith("kill-lease", ["n1"], 4500, 4501, { lease: "11", revoked: true })
    .op("n1", "lost", 4510, 4511, "ok", { key: "/h/n1" })
    .fault("kill-node", ["n1"], 4600, 6000).exit("n1", 4601)
    .end(20_000);
  down(h, "n1", 4505, 4);
  const r = detection(input(h));
  assert.equal(r.valid, "unknown", r.summary);
  assert.equal(r.figures?.judged, 0);
});

Deno.test("no-false-alarms: downs during or just after a fault on the member are explained", () => {
  const r = falseAlarms(input(killed(6800, 7120)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.downs, 1);
});

Deno.test("no-false-alarms: a down with no fault on the member fails", () => {
  const h = base();
  down(h, "n2", 4000, 4);
  const r = falseAlarms(input(h.end(20_000)));
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { member: string }).member, "n2");
});

Deno.test("no-false-alarms: a down long after the fault healed fails", () => {
  const h = base().fault("pause-node", ["n2"], 2000, 3000);
  down(h, "n2", 9000, 4);
  assert.equal(falseAlarms(input(h.end(20_000))).valid, false);
});

Deno.test("no-false-alarms: a late down from a monitor that was itself paused is explained", () => {
  const h = base().fault("pause-node", ["n2"], 2000, 3000).fault("pause-node", ["n3"], 3500, 8000);
  down(h, "n2", 8100, 4);
  assert.equal(falseAlarms(input(h.end(20_000))).valid, true);
});

Deno.test("no-false-alarms: a down after the member deregistered is a leave, not an alarm", () => {
  const h = base().op("n2", "deregister", 15_000, 15_010, "ok", { key: "/h/n2" });
  down(h, "n2", 15_020, 9);
  assert.equal(falseAlarms(input(h.end(20_000))).valid, true);
});

Deno.test("recovery: up again within the heartbeat interval + 1 s of the restart", () => {
  const r = recovery(input(killed(6800, 7300)));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.judged, 1);
  assert.equal(r.figures?.recoveryMs_max, 300); // from the new incarnation's first act at 7000
});

Deno.test("recovery: up too late fails", () => {
  const r = recovery(input(killed(6800, 9500)));
  assert.equal(r.valid, false);
  assert.equal((r.evidence![0] as { latencyMs: number }).latencyMs, 2500);
});

Deno.test("recovery: a member left down at the end fails", () => {
  const h = base().fault("partition-node", ["n1"], 5000, 9000);
  down(h, "n1", 7000, 4);
  h.phase("quiesce", 15_000).op("n1", "deregister", 19_000, 19_010, "ok", { key: "/h/n1" });
  const r = recovery(input(h.end(20_000)));
  assert.equal(r.valid, false);
  assert.ok(
    (r.evidence as { violation?: string }[]).some((e) =>
      e.violation === "not reported up at the end"
    ),
  );
});

Deno.test("recovery: every member up at the end, no fault planned: does not apply, not a failure", () => {
  const h = base().phase("quiesce", 15_000);
  const r = recovery(input(h.end(20_000)));
  assert.equal(r.applies, false, r.summary);
  assert.notEqual(r.valid, false);
  assert.equal(r.judged, 0);
});
