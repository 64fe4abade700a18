/** Monitoring: every reported up/down judged at its revision against etcd's heartbeats. */
import assert from "node:assert/strict";
import { statesAtRevisionChecker } from "../checks/states_at_revision.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

/** n1's heartbeat: put at 2 (lease 11), deleted at 5 (expired), put at 7 (lease 12), replaced at 9 (lease 13). */
const log: KeyLog = {
  prefix: "/m/heartbeats/",
  from: 1,
  to: 10,
  initial: [],
  events: [
    { revision: 2, type: "put", key: "n1", value: "{}", createRevision: 2, lease: "11" },
    { revision: 5, type: "delete", key: "n1" },
    { revision: 7, type: "put", key: "n1", value: "{}", createRevision: 7, lease: "12" },
    { revision: 9, type: "put", key: "n1", value: "{}", createRevision: 9, lease: "13" },
  ],
};
const check = statesAtRevisionChecker({ log: (f) => (f as { heartbeats: KeyLog }).heartbeats })
  .check;
const report = (h: HistoryBuilder, t: number, state: "up" | "down", revision?: number) =>
  h.op("n5", state, t, t, "ok", { member: "n1", revision });
const run = (h: HistoryBuilder) =>
  check({ history: h.build(), final: { heartbeats: log }, ttlMs: 2000, params: {} });

Deno.test("states-at-revision: ups where etcd held the heartbeat, downs where it was gone or replaced, are valid", () => {
  const h = new HistoryBuilder();
  report(h, 100, "up", 2);
  report(h, 500, "down", 5);
  report(h, 700, "up", 7);
  report(h, 900, "down", 9); // session replaced: down and up at one revision
  report(h, 901, "up", 9);
  report(h, 950, "up"); // no revision: not judged
  const r = run(h);
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.judged, 5);
});

Deno.test("states-at-revision: a down while etcd held the heartbeat, or an up while it had none, fails", () => {
  const falseDown = new HistoryBuilder();
  report(falseDown, 300, "down", 3);
  const r = run(falseDown);
  assert.equal(r.valid, false);
  assert.match(r.summary, /n1 reported down while etcd held its heartbeat at that revision, 3/);
  const ghostUp = new HistoryBuilder();
  report(ghostUp, 600, "up", 6);
  assert.match(run(ghostUp).summary, /reported up while etcd held no heartbeat/);
});
