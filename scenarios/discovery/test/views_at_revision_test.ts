/** Discovery views judged at their own revision against etcd's record of the registry. */
import assert from "node:assert/strict";
import { viewsAtRevisionChecker } from "../checks/views_at_revision.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";
import { viewsConvergedChecker } from "../checks/views_converged.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

const P = "/r/services/";
const A = "greeter/127.0.0.1:20101";
const B = "greeter/127.0.0.1:20201";

/** etcd's record: A put at 2, B put at 3, A deleted at 4 (its service left), A back at 5. */
const log: KeyLog = {
  prefix: P,
  from: 1,
  to: 5,
  initial: [],
  events: [
    { revision: 2, type: "put", key: A, value: "a", createRevision: 2, lease: "11" },
    { revision: 3, type: "put", key: B, value: "b", createRevision: 3, lease: "12" },
    { revision: 4, type: "delete", key: A },
    { revision: 5, type: "put", key: A, value: "a2", createRevision: 5, lease: "13" },
  ],
};

const check = viewsAtRevisionChecker({ log: (f) => (f as { registry: KeyLog }).registry }).check;
const view = (h: HistoryBuilder, t: number, revision: number, services: Record<string, string>) =>
  h.op("n3", "view", t, t, "ok", { revision, services }, revision);
const run = (h: HistoryBuilder, registry: KeyLog | null = log) =>
  check({ history: h.build(), final: { registry }, ttlMs: 2000, params: {} });

/** A reader that applies every event. */
function faithful(): HistoryBuilder {
  const h = new HistoryBuilder();
  view(h, 100, 1, {});
  view(h, 200, 2, { [P + A]: "a" });
  view(h, 300, 3, { [P + A]: "a", [P + B]: "b" });
  view(h, 400, 4, { [P + B]: "b" });
  return view(h, 500, 5, { [P + A]: "a2", [P + B]: "b" });
}

Deno.test("views-at-revision: a reader that applies every event is valid, each view judged", () => {
  const r = run(faithful());
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.judged, 5);
});

Deno.test("views-at-revision: a missed delete is caught at its revision even though a later put heals it", () => {
  // The reader drops the delete at 4: its view at 4 still holds A; the put at 5 then hides the loss,
  // so a comparison at the end alone sees nothing wrong.
  const h = new HistoryBuilder();
  view(h, 100, 1, {});
  view(h, 200, 2, { [P + A]: "a" });
  view(h, 300, 3, { [P + A]: "a", [P + B]: "b" });
  view(h, 400, 4, { [P + A]: "a", [P + B]: "b" });
  view(h, 500, 5, { [P + A]: "a2", [P + B]: "b" });
  const r = run(h);
  assert.equal(r.valid, false);
  assert.match(
    r.summary,
    /n3 at revision 4 lacks the delete of \/r\/services\/greeter\/127.0.0.1:20101 at revision 4/,
  );
  const e = r.evidence![0] as { revision: number; differences: { lacks: unknown }[] };
  assert.equal(e.revision, 4);
  assert.deepEqual(e.differences[0].lacks, { type: "delete", revision: 4 });
});

Deno.test("views-at-revision: a missed put and a stale value are named with the put the reader lacks", () => {
  const missed = new HistoryBuilder();
  view(missed, 300, 3, { [P + A]: "a" });
  const r = run(missed);
  assert.equal(r.valid, false);
  assert.deepEqual((r.evidence![0] as { differences: { lacks: unknown }[] }).differences[0].lacks, {
    type: "put",
    revision: 3,
  });
  const stale = new HistoryBuilder();
  view(stale, 500, 5, { [P + A]: "a", [P + B]: "b" });
  const s = run(stale);
  assert.equal(s.valid, false);
  assert.match(String((s.evidence![0] as { violation: string }).violation), /stale/);
});

Deno.test("views-at-revision: views the record does not cover are not judged; no record is unknown", () => {
  const compacted = {
    ...log,
    from: 4,
    initial: [{ key: B, value: "b", createRevision: 3, modRevision: 3, lease: "12" }],
    events: log.events.slice(3),
  };
  const r = run(faithful(), compacted);
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.judged, 2);
  const none = run(faithful(), null);
  assert.equal(none.valid, "unknown");
  assert.equal(none.judged, 0);
});

Deno.test("views-converged: a service away on its own (churn) is expected absent, one leaving may be either", () => {
  const KA = P + A;
  const h = new HistoryBuilder()
    .op("n1", "register", 200, 250, "ok", { key: KA, value: "a", lease: "11" }, 2)
    .op("n1", "deregister", 9000, 9010, "ok", { key: KA, why: "churn" });
  const events = h.build();
  const spawn = (node: string, role: string) => ({
    kind: "node" as const,
    type: "spawn" as const,
    node,
    incarnation: 1,
    role,
    time: 0,
  });
  const at = (t: number, services: Record<string, string>) => [
    { kind: "phase" as const, phase: "quiesce", time: 20_000 },
    {
      kind: "op" as const,
      type: "invoke" as const,
      op: 900,
      node: "n3",
      incarnation: 1,
      f: "view",
      time: t - 10,
    },
    {
      kind: "op" as const,
      type: "ok" as const,
      op: 900,
      node: "n3",
      incarnation: 1,
      f: "view",
      value: { revision: 4, services },
      revision: 4,
      time: t - 10,
    },
    {
      kind: "op" as const,
      type: "invoke" as const,
      op: 901,
      node: "n3",
      incarnation: 1,
      f: "census",
      time: t,
    },
    {
      kind: "op" as const,
      type: "ok" as const,
      op: 901,
      node: "n3",
      incarnation: 1,
      f: "census",
      value: { revision: 4, services, leases: [] },
      revision: 4,
      time: t,
    },
    { kind: "node" as const, type: "exit" as const, node: "n3", incarnation: 1, time: 25_000 },
  ];
  const history = [spawn("n1", "service"), spawn("n3", "discoverer"), ...events, ...at(22_000, {})]
    .sort((a, b) => a.time - b.time);
  const r = viewsConvergedChecker().check({ history, final: undefined, ttlMs: 2000, params: {} });
  assert.equal(r.valid, true, r.summary);
  // Still holding the key it left long ago is not converged.
  const held = [
    spawn("n1", "service"),
    spawn("n3", "discoverer"),
    ...events,
    ...at(22_000, { [KA]: "a" }),
  ]
    .sort((a, b) => a.time - b.time);
  assert.equal(
    viewsConvergedChecker().check({ history: held, final: undefined, ttlMs: 2000, params: {} })
      .valid,
    false,
  );
});
