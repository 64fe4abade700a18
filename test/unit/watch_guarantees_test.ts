import assert from "node:assert/strict";
import { watchGuaranteesChecker } from "../../lib/checks/watch_guarantees.ts";
import type { WatchGuarantee, WatchViolation } from "../../lib/checks/watch_guarantees.ts";
import type { HistoryEvent, WatchedChange, WatchEvent } from "../../lib/history/event.ts";
import type { KeyLog } from "../../lib/history/key_log.ts";

const P = "/run/";

/**
 * etcd's log: a/1 created at 2, b/1 created at 3, a/1 updated at 4, a txn at
 * 5 (c/1 and d/1 created), b/1 deleted at 6, x (outside svc/) put at 7, a/1
 * updated at 8.
 */
const LOG: KeyLog = {
  prefix: P,
  from: 1,
  to: 8,
  initial: [],
  events: [
    { revision: 2, type: "put", key: "svc/a", value: "A1", createRevision: 2, lease: "0" },
    { revision: 3, type: "put", key: "svc/b", value: "B1", createRevision: 3, lease: "0" },
    { revision: 4, type: "put", key: "svc/a", value: "A2", createRevision: 2, lease: "0" },
    { revision: 5, type: "put", key: "svc/c", value: "C1", createRevision: 5, lease: "0" },
    { revision: 5, type: "put", key: "svc/d", value: "D1", createRevision: 5, lease: "0" },
    { revision: 6, type: "delete", key: "svc/b" },
    { revision: 7, type: "put", key: "x", value: "X", createRevision: 7, lease: "0" },
    { revision: 8, type: "put", key: "svc/a", value: "A3", createRevision: 2, lease: "0" },
  ],
};

/** The change etcd logged for `key` at `rev`, as a watch delivers it (versions as they were). */
function ch(key: string, rev: number, extra: Partial<WatchedChange> = {}): WatchedChange {
  const e = LOG.events.find((x) => x.key === key && x.revision === rev)!;
  const versions: Record<string, number> = { "svc/a@2": 1, "svc/a@4": 2, "svc/a@8": 3 };
  return e.type === "delete"
    ? { type: "delete", key: P + key, modRevision: rev, createRevision: 0, version: 0, ...extra }
    : {
      type: "put",
      key: P + key,
      modRevision: rev,
      createRevision: e.createRevision!,
      version: versions[`${key}@${rev}`] ?? 1,
      value: e.value,
      ...extra,
    };
}

let clock = 0;
/** One response of watch 1 of n1 on the svc/ prefix, started at `start`. */
function res(events: WatchedChange[], o: Partial<WatchEvent> = {}): WatchEvent {
  return {
    kind: "watch",
    node: "n1",
    incarnation: 1,
    watch: 1,
    key: `${P}svc/`,
    prefix: true,
    start: 2,
    header: Math.max(0, ...events.map((e) => e.modRevision)),
    events,
    time: clock++,
    ...o,
  };
}

/** Every response of the correct watch from revision 2: one per revision. */
const GOOD: WatchEvent[] = [
  res([ch("svc/a", 2)]),
  res([ch("svc/b", 3)]),
  res([ch("svc/a", 4)]),
  res([ch("svc/c", 5), ch("svc/d", 5)]),
  res([ch("svc/b", 6)]),
  res([], { header: 7, progress: true }),
  res([ch("svc/a", 8)]),
];

function judge(history: HistoryEvent[], log: KeyLog = LOG) {
  return watchGuaranteesChecker(log).check({ history, final: undefined, ttlMs: 2000, params: {} });
}

function assertCaught(history: HistoryEvent[], kind: WatchGuarantee) {
  const r = judge(history);
  assert.equal(r.valid, false, r.summary);
  const kinds = (r.evidence as WatchViolation[]).map((v) => v.violation);
  assert.ok(kinds.includes(kind), `expected ${kind}, got ${kinds.join(", ")}`);
}

Deno.test("watch-guarantees: a watch that delivered every event in order passes", () => {
  const r = judge(GOOD);
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.judged, GOOD.length);
});

Deno.test("watch-guarantees: a watch from now that delivered a suffix in order passes", () => {
  const r = judge([res([ch("svc/c", 5), ch("svc/d", 5)], { start: 0 }), res([ch("svc/b", 6)])]);
  assert.equal(r.valid, true, r.summary);
});

Deno.test("watch-guarantees: no watch recorded is n/a, not unknown", () => {
  const r = judge([{ kind: "phase", phase: "workload", time: 0 }]);
  assert.equal(r.valid, "unknown");
  assert.equal(r.applies, false);
  assert.equal(r.judged, 0);
});

Deno.test("watch-guarantees: watches but no key log is unknown, never valid", () => {
  const r = watchGuaranteesChecker({ error: "timed out" }).check({
    history: GOOD,
    final: undefined,
    ttlMs: 2000,
    params: {},
  });
  assert.equal(r.valid, "unknown");
  assert.notEqual(r.applies, false);
});

Deno.test("watch-guarantees: ordered fails when a revision goes back", () => {
  assertCaught([res([ch("svc/b", 3)]), res([ch("svc/a", 2)])], "ordered");
});

Deno.test("watch-guarantees: unique fails when an event comes twice", () => {
  assertCaught([res([ch("svc/a", 2)]), res([ch("svc/a", 2)]), res([ch("svc/b", 3)])], "unique");
});

Deno.test("watch-guarantees: atomic fails when a revision's events are split", () => {
  const h = [...GOOD.slice(0, 3), res([ch("svc/c", 5)]), res([ch("svc/d", 5)]), ...GOOD.slice(4)];
  assertCaught(h, "atomic");
});

Deno.test("watch-guarantees: reliable fails on a gap inside what was delivered", () => {
  assertCaught(GOOD.filter((_, i) => i !== 2), "reliable");
});

Deno.test("watch-guarantees: resumable fails when a watch from r skips r's event", () => {
  const h = GOOD.slice(2).map((e) => ({ ...e, start: 3 }));
  assertCaught(h, "resumable");
});

Deno.test("watch-guarantees: resumable fails when a watch delivers before its start", () => {
  assertCaught(GOOD.map((e) => ({ ...e, start: 3 })), "resumable");
});

Deno.test("watch-guarantees: filtered fails on a key outside the range", () => {
  assertCaught([...GOOD.slice(0, 5), res([ch("x", 7)]), GOOD[6]], "filtered");
});

Deno.test("watch-guarantees: isCreate fails on a create with version 2", () => {
  assertCaught([res([ch("svc/a", 2, { version: 2 })])], "isCreate");
});

Deno.test("watch-guarantees: prevKv fails when it is not what etcd held", () => {
  const good = ch("svc/a", 4, {
    prevKv: { modRevision: 2, createRevision: 2, version: 1, value: "A1" },
  });
  assert.equal(judge([GOOD[0], GOOD[1], res([good])]).valid, true);
  const bad = ch("svc/a", 4, {
    prevKv: { modRevision: 2, createRevision: 2, version: 1, value: "stale" },
  });
  assertCaught([GOOD[0], GOOD[1], res([bad])], "prevKv");
});

Deno.test("watch-guarantees: progress fails when a notification runs ahead of events", () => {
  // A notification at 5 before the events of 4 and 5 arrived.
  assertCaught(
    [GOOD[0], GOOD[1], res([], { header: 5, progress: true }), GOOD[2], GOOD[3]],
    "progress",
  );
});

Deno.test("watch-guarantees: logged fails on an event etcd never logged", () => {
  assertCaught([GOOD[0], res([ch("svc/b", 3, { value: "forged" })])], "logged");
});

Deno.test("watch-guarantees: a start the log no longer covers is excused, not judged", () => {
  const compacted: KeyLog = { ...LOG, from: 4, initial: [], events: LOG.events.slice(3) };
  const h = [res([ch("svc/c", 5), ch("svc/d", 5)], { start: 3 })];
  const r = judge(h, compacted);
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.excusedStarts, 1);
});
