/**
 * The load-balancing checkers on hand-written histories: each passes what a
 * correct balancer does and fails what a broken one does.
 */
import assert from "node:assert/strict";
import type { HistoryEvent } from "../../../lib/history/event.ts";
import type { KeyLog, LoggedEvent } from "../../../lib/history/key_log.ts";
import { deadRoutingChecker, phantomRoutingChecker } from "../checks/calls.ts";
import type { BalancingFinal } from "../checks/calls.ts";
import { peerOf } from "../greeter.ts";
import { fairnessChecker } from "../checks/fairness.ts";
import { availabilityChecker } from "../checks/availability.ts";
import { listsAtRevisionChecker } from "../checks/lists_at_revision.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

const A = "127.0.0.1:1001";
const B = "127.0.0.1:1002";
const C = "127.0.0.1:1003";
const owner: Record<string, string> = { [A]: "n1", [B]: "n2", [C]: "n3" };

/** etcd's log of the registry: `[revision, "put" | "delete", addr]` each. */
function registry(changes: [number, "put" | "delete", string][], to = 100): BalancingFinal {
  const events: LoggedEvent[] = changes.map(([revision, type, addr]) =>
    type === "put"
      ? { revision, type, key: addr, value: addr, createRevision: revision, lease: "7" }
      : { revision, type, key: addr }
  );
  const log: KeyLog = { prefix: "/reg/", from: 1, to, initial: [], events };
  return { registry: log };
}

/** A builder with the usual servers registered: A at rev 2, B at 3, C at 4 (times 10, 20, 30). */
function servers(addrs = [A, B, C]): HistoryBuilder {
  const h = new HistoryBuilder();
  addrs.forEach((addr, i) =>
    h.op(owner[addr], "register", 10 * i + 5, 10 * i + 10, "ok", { addr, lease: "7" }, i + 2)
  );
  return h;
}

const list = (h: HistoryBuilder, node: string, time: number, revision: number, addrs: string[]) =>
  h.op(node, "resolve", time, time, "ok", { addrs }, revision);

const answer = (addr: string) => ({
  server: { node: owner[addr], incarnation: 1, addr },
  peer: addr,
});

/** Calls from `node` every `every` ms in [from, to), round-robin over `addrs`. */
function calls(
  h: HistoryBuilder,
  node: string,
  from: number,
  to: number,
  every: number,
  addrs: string[],
): HistoryBuilder {
  for (let t = from, i = 0; t < to; t += every, i++) {
    h.op(node, "call", t, t + 2, "ok", answer(addrs[i % addrs.length]));
  }
  return h;
}

/** Spawn events for the nodes (fairness counts a server live only while its process runs). */
function spawned(events: HistoryEvent[], nodes = ["n1", "n2", "n3", "n5"]): HistoryEvent[] {
  const spawns: HistoryEvent[] = nodes.map((node) => ({
    kind: "node",
    type: "spawn",
    node,
    incarnation: 1,
    time: 0,
  }));
  return [...spawns, ...events].sort((a, b) => a.time - b.time);
}

const input = (history: HistoryEvent[], final: unknown) => ({
  history,
  final,
  ttlMs: 2000,
  params: {},
});

// ---- no calls to the dead ----

const dead = deadRoutingChecker().check;
const ABC = registry([[2, "put", A], [3, "put", B], [4, "put", C], [6, "delete", B]]);

Deno.test("no-calls-to-the-dead: a client that drops a removed server at its next list is valid", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  calls(h, "n5", 150, 1000, 20, [A, B, C]);
  list(h, "n5", 1005, 6, [A, C]);
  calls(h, "n5", 1010, 3000, 20, [A, C]);
  const r = dead(input(h.build(), ABC));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.removals, 1);
  assert.equal(r.figures?.drops, 1);
  assert.equal(r.figures?.dropLagMs_max, 0);
});

Deno.test("no-calls-to-the-dead: a list that keeps a server etcd removed fails (the empty delete value)", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  list(h, "n5", 1005, 6, [A, B, C]); // the delete event came, B stayed
  calls(h, "n5", 1010, 3000, 20, [A, C]);
  const r = dead(input(h.build(), ABC));
  assert.equal(r.valid, false);
  assert.match(r.summary, /kept a removed server/);
  const e = r.evidence![0] as {
    violation: string;
    addr: string;
    removedAt: number;
    server: string;
  };
  assert.equal(e.violation, "resolver kept a server etcd had removed");
  assert.equal(e.addr, B);
  assert.equal(e.removedAt, 6);
  assert.equal(e.server, "n2#1");
});

Deno.test("no-calls-to-the-dead: a call to a removed server more than 1 s after the list fails", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  list(h, "n5", 1000, 6, [A, C]);
  h.op("n5", "call", 2100, 3100, "fail", { peer: B }); // routed to B anyway, timed out
  const r = dead(input(h.build(), ABC));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.deadCalls, 1);
  assert.equal(
    (r.evidence![0] as { violation: string }).violation,
    "call to a server etcd had removed",
  );
});

Deno.test("no-calls-to-the-dead: calls within 1 s of the list that dropped the server are allowed", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  list(h, "n5", 1000, 6, [A, C]);
  h.op("n5", "call", 1500, 1502, "ok", answer(B)); // in flight when the list changed
  assert.equal(dead(input(h.build(), ABC)).valid, true);
});

Deno.test("no-calls-to-the-dead: a server listed again (re-registered) may be listed and called", () => {
  const h = servers();
  const again = registry([[2, "put", A], [3, "put", B], [4, "put", C], [6, "delete", B], [
    7,
    "put",
    B,
  ]]);
  list(h, "n5", 100, 4, [A, B, C]);
  list(h, "n5", 1000, 7, [A, B, C]);
  calls(h, "n5", 1010, 4000, 20, [A, B, C]);
  const r = dead(input(h.build(), again));
  assert.equal(r.valid, true, r.summary);
});

Deno.test("no-calls-to-the-dead: without etcd's registry log the verdict is unknown", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  const r = dead(input(h.build(), { registry: null, error: "compacted" }));
  assert.equal(r.valid, "unknown");
});

// ---- no phantoms ----

const phantoms = phantomRoutingChecker().check;

Deno.test("no-phantoms: registered, resolved and answering servers agree", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  calls(h, "n5", 150, 1000, 20, [A, B, C]);
  const r = phantoms(input(h.build(), ABC));
  assert.equal(r.valid, true, r.summary);
  assert.ok(Number(r.figures?.answered) > 40);
});

Deno.test("no-phantoms: a list with an address etcd never had fails", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C, "127.0.0.1:9999"]);
  const r = phantoms(input(h.build(), ABC));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.phantomLists, 1);
});

Deno.test("no-phantoms: a call to an address the resolver never gave fails", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B]);
  h.op("n5", "call", 200, 202, "ok", answer(C));
  const r = phantoms(input(h.build(), ABC));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.unresolvedCalls, 1);
});

Deno.test("no-phantoms: an answer from a server that never registered the address fails", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  h.op("n5", "call", 200, 202, "ok", { server: { node: "n4", incarnation: 1, addr: A }, peer: A });
  const r = phantoms(input(h.build(), ABC));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.strangers, 1);
  assert.match((r.evidence![0] as { violation: string }).violation, /never registered/);
});

// ---- fairness ----

const fairness = fairnessChecker().check;

Deno.test("fairness: round-robin over the live servers in a steady window is valid", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  calls(h, "n5", 150, 6000, 20, [A, B, C]);
  const r = fairness(input(spawned(h.build()), ABC));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.windows, 1);
  assert.ok(Number(r.figures?.deviationPct_max) <= 2);
});

Deno.test("fairness: a live server that gets half its share fails", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  calls(h, "n5", 150, 6000, 20, [A, B, C, A, B]); // C gets half of the others' share
  const r = fairness(input(spawned(h.build()), ABC));
  assert.equal(r.valid, false);
  const e = r.evidence![0] as { addr: string; deviationPct: number };
  assert.equal(e.addr, C);
  assert.ok(e.deviationPct > 25);
});

Deno.test("fairness: a live server clients never learned of gets nothing and fails", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B]);
  calls(h, "n5", 150, 6000, 20, [A, B]);
  const r = fairness(input(spawned(h.build()), ABC));
  assert.equal(r.valid, false);
  const starved = (r.evidence as { addr: string; calls: number }[]).find((e) => e.addr === C);
  assert.equal(starved?.calls, 0);
});

Deno.test("fairness: windows with faults are not judged, and a dead server's share is not owed", () => {
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  calls(h, "n5", 150, 3000, 20, [A, B]); // C is paused: faulted, not judged
  h.fault("pause-node", ["n3"], 100, 3000);
  assert.equal(fairness(input(spawned(h.build()), ABC)).figures?.windows, 0);
  // C's process died (still registered until its lease expires): A and B share evenly.
  const k = servers();
  list(k, "n5", 100, 4, [A, B, C]);
  calls(k, "n5", 150, 6000, 20, [A, B]);
  k.exit("n3", 50);
  const r = fairness(input(spawned(k.build()), ABC));
  assert.equal(r.valid, true, r.summary);
  assert.ok(Number(r.figures?.windows) >= 1);
});

Deno.test("fairness: no window before the revision a compaction left is judged", () => {
  // C registers at revision 31; a compaction left etcd's record from 31 on (B is gone by then).
  const compacted: BalancingFinal = {
    registry: {
      prefix: "/reg/",
      from: 31,
      to: 100,
      initial: [A, B].map((addr) => ({
        key: addr,
        value: addr,
        createRevision: 2,
        modRevision: 2,
        lease: "7",
      })),
      events: [
        { revision: 31, type: "put", key: C, value: C, createRevision: 31, lease: "7" },
        { revision: 32, type: "delete", key: B },
      ],
    },
  };
  const h = new HistoryBuilder();
  h.op("n1", "register", 5, 10, "ok", { addr: A, lease: "7" }, 2);
  h.op("n2", "register", 15, 20, "ok", { addr: B, lease: "7" }, 3);
  list(h, "n5", 100, 3, [A, B]);
  calls(h, "n5", 150, 4000, 20, [A, B]); // before C registered: A and B share evenly
  h.op("n3", "register", 4000, 4010, "ok", { addr: C, lease: "7" }, 31);
  list(h, "n5", 4020, 32, [A, C]);
  calls(h, "n5", 4050, 8000, 20, [A, C]);
  const r = fairness(input(spawned(h.build()), compacted));
  assert.equal(r.valid, true, r.summary);
  // Only the window after C's registration, once someone saw revision 31, is judged.
  assert.equal(r.figures?.windows, 1);
  const w = r.evidence![0] as { start: number; counts: Record<string, number> };
  assert.ok(w.start >= 4010, `judged from ${w.start}`);
  assert.deepEqual(Object.keys(w.counts).sort(), [A, C]);
});

// ---- availability ----

const availability = availabilityChecker().check;

Deno.test("availability: failures inside fault windows are reported as spikes, not judged", () => {
  const h = new HistoryBuilder();
  for (let t = 0; t < 10_000; t += 20) {
    const inFault = t >= 3000 && t < 4000;
    h.op("n5", "call", t, t + 5, inFault ? "fail" : "ok", { peer: A });
  }
  h.fault("pause-node", ["n1"], 3000, 4000);
  const r = availability(input(h.build(), undefined));
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.figures?.outsideFailed, 0);
  assert.equal(r.figures?.spikes, 1);
  assert.equal(r.figures?.worstSpikeFailed, 50);
  assert.equal((r.evidence![0] as { failed: number }).failed, 50);
});

Deno.test("availability: more than 1% failures outside fault windows fails", () => {
  const h = new HistoryBuilder();
  for (let t = 0, i = 0; t < 10_000; t += 20, i++) {
    h.op("n5", "call", t, t + 5, i % 50 === 0 || i % 50 === 1 ? "fail" : "ok", { peer: A });
  }
  const r = availability(input(h.build(), undefined));
  assert.equal(r.valid, false);
  assert.equal(r.figures?.outsideSuccessPct, 96);
  assert.equal(
    (r.evidence![0] as { violation: string }).violation,
    "call failed outside fault windows",
  );
});

Deno.test("availability: a call that overlaps a fault window is not judged", () => {
  const h = new HistoryBuilder();
  for (let t = 0; t < 2000; t += 20) h.op("n5", "call", t, t + 5, "ok", { peer: A });
  h.op("n5", "call", 2990, 4100, "fail", { peer: A }); // started before, ended inside
  h.fault("pause-node", ["n5"], 3000, 4000);
  assert.equal(availability(input(h.build(), undefined)).valid, true);
});

Deno.test("availability: no calls is unknown", () => {
  const r = availability(input(new HistoryBuilder().end(1000).build(), undefined));
  assert.equal(r.valid, "unknown");
});

Deno.test("no-calls-to-the-dead: a resolver whose watch died while etcd changed is flagged", () => {
  // etcd removes B at revision 5 (seen by n6's list at 4000); n5's resolver never lists again,
  // though n5 runs on until 9000.
  const h = servers();
  list(h, "n5", 100, 4, [A, B, C]);
  list(h, "n6", 100, 4, [A, B, C]);
  list(h, "n6", 4000, 5, [A, C]);
  h.end(9000);
  const final = registry([[2, "put", A], [3, "put", B], [4, "put", C], [5, "delete", B]]);
  const r = deadRoutingChecker().check(
    input(spawned(h.build(), ["n1", "n2", "n3", "n5", "n6"]), final),
  );
  assert.equal(r.valid, false, r.summary);
  assert.match(r.summary, /stopped following etcd/);
  const e = r.evidence![0] as { client: string; etcdChangedAt: number };
  assert.equal(e.client, "n5#1");
  assert.equal(e.etcdChangedAt, 5);
  // A client that stopped soon after the change is not flagged: it had no time to follow.
  const short = servers();
  list(short, "n5", 100, 4, [A, B, C]);
  list(short, "n6", 100, 4, [A, B, C]);
  list(short, "n6", 4000, 5, [A, C]);
  short.exit("n5", 4500).end(9000);
  const ok = deadRoutingChecker().check(
    input(spawned(short.build(), ["n1", "n2", "n3", "n5", "n6"]), final),
  );
  assert.equal(ok.valid, true, ok.summary);
});

Deno.test("lists-at-revision: each list must be etcd's registry at its revision; a missed put is named", () => {
  const final = registry([[2, "put", A], [3, "put", B], [4, "put", C], [5, "delete", B]]);
  const check = (h: HistoryBuilder) =>
    listsAtRevisionChecker().check(input(spawned(h.build()), final));
  const good = servers();
  list(good, "n5", 100, 4, [A, B, C]);
  list(good, "n5", 200, 5, [A, C]);
  const r = check(good);
  assert.equal(r.valid, true, r.summary);
  assert.equal(r.judged, 2);
  // A resolver that never applied C's put: its list at 4 lacks it.
  const missed = servers();
  list(missed, "n5", 100, 4, [A, B]);
  const m = check(missed);
  assert.equal(m.valid, false);
  assert.match(m.summary, /n5#1 at revision 4 lacks the put of 127.0.0.1:1003 at revision 4/);
  // One that kept B after its delete at 5.
  const kept = servers();
  list(kept, "n5", 200, 5, [A, B, C]);
  assert.match(check(kept).summary, /lacks the delete of 127.0.0.1:1002 at revision 5/);
});

Deno.test("greeter: a call that never got a server records no address (not the channel's target)", () => {
  const call = (peer: string) => ({ getPeer: () => peer });
  assert.equal(peerOf(call("127.0.0.1:35553")), "127.0.0.1:35553");
  assert.equal(peerOf(call("etcd-drills:///feed-1")), undefined);
  assert.equal(peerOf(call("unknown")), undefined);
  assert.equal(peerOf(undefined), undefined);
});
