/**
 * Checkers of client-side load balancing over a service registry: clients
 * route only to servers etcd lists, and stop routing to one soon after etcd
 * removed it. Truth comes from etcd's own log of the registry prefix (a final
 * read), never from what a client says it saw.
 *
 * The history they read:
 * - `register` (servers): invoke value `{ addr }`; ok value `{ addr, key, lease }`,
 *   revision the put's.
 * - `resolve` (clients): ok value `{ addrs }`, revision the etcd revision the
 *   list reflects; recorded once the client's balancer has the list.
 * - `call` (clients): ok value `{ server: { node, incarnation, addr }, peer }`;
 *   fail value `{ peer }` (the address it was sent to, when it got that far).
 */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { nothingJudged } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import type { HistoryEvent, Operation } from "../../../lib/history/event.ts";
import { KeyTimeline } from "../../../lib/history/key_log.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";
import { summarize } from "../../../lib/checks/stats.ts";
import { faultWindows } from "../../../lib/history/event.ts";
import { faultsOn, lifetimes } from "../../../lib/checks/lifetimes.ts";
import { isNodeFault } from "../../../lib/checks/disturbed.ts";

/** What the balancing checkers need from the final reads: etcd's log of the registry prefix. */
export interface BalancingFinal {
  /** Values below the prefix are the registered addresses; null when it could not be read. */
  registry: KeyLog | null;
  error?: string;
}

/** Operation names, when a scenario uses others. */
export interface BalancingOps {
  call: string;
  resolve: string;
  register: string;
}

const OPS: BalancingOps = { call: "call", resolve: "resolve", register: "register" };

/** Faults that make etcd remove a server (its lease runs out or is revoked). */
const REMOVING = ["kill-node", "pause-node", "partition-node", "kill-lease"];

/** Evidence lists are cut here; the figures keep the full counts. */
const MAX_EVIDENCE = 50;

/** An operation as evidence names it (the report links it to the timeline). */
export function opRef(o: Operation): Record<string, unknown> {
  return {
    node: o.node,
    incarnation: o.incarnation,
    f: o.f,
    invoked: o.invoke.time,
    completed: o.complete?.time,
    outcome: o.outcome,
  };
}

/** One address list a client's balancer got. */
export interface ResolvedView {
  op: Operation;
  time: number;
  revision: number;
  addrs: Set<string>;
}

/** One call and the address it went to (the answering server's, else the peer). */
export interface BalancedCall {
  op: Operation;
  ok: boolean;
  invoked: number;
  completed?: number;
  addr?: string;
  peer?: string;
  server?: { node: string; incarnation: number; addr: string };
}

/** A client incarnation's lists and calls, in time order. */
export interface ClientTrace {
  node: string;
  incarnation: number;
  views: ResolvedView[];
  calls: BalancedCall[];
}

/** Everything the balancing checkers read, parsed once. */
export interface BalancingHistory {
  clients: ClientTrace[];
  calls: BalancedCall[];
  registers: Operation[];
  /** etcd's registry, replayed; undefined when the final read failed. */
  timeline?: KeyTimeline;
  /** Address → the first revision at which etcd listed it. */
  firstListed: Map<string, number>;
}

/** Parses the history and final reads for the balancing checkers. */
export function parseBalancing(
  history: readonly HistoryEvent[],
  final: unknown,
  ops: BalancingOps = OPS,
): BalancingHistory {
  const byClient = new Map<string, ClientTrace>();
  const trace = (o: Operation) => {
    const k = `${o.node}#${o.incarnation}`;
    let t = byClient.get(k);
    if (!t) byClient.set(k, t = { node: o.node, incarnation: o.incarnation, views: [], calls: [] });
    return t;
  };
  const calls: BalancedCall[] = [];
  const registers: Operation[] = [];
  for (const o of operations(history)) {
    if (o.f === ops.resolve && o.outcome === "ok") {
      const v = o.complete!.value as { addrs?: string[] } | undefined;
      trace(o).views.push({
        op: o,
        time: o.complete!.time,
        revision: Number(o.complete!.revision ?? 0),
        addrs: new Set(v?.addrs ?? []),
      });
    } else if (o.f === ops.call) {
      const v = (o.complete?.value ?? {}) as {
        peer?: string;
        server?: { node: string; incarnation: number; addr: string };
      };
      const c: BalancedCall = {
        op: o,
        ok: o.outcome === "ok",
        invoked: o.invoke.time,
        completed: o.complete?.time,
        peer: v.peer,
        server: o.outcome === "ok" ? v.server : undefined,
        addr: (o.outcome === "ok" ? v.server?.addr : undefined) ?? v.peer,
      };
      calls.push(c);
      trace(o).calls.push(c);
    } else if (o.f === ops.register) {
      registers.push(o);
    }
  }
  for (const t of byClient.values()) {
    t.views.sort((a, b) => a.time - b.time);
    t.calls.sort((a, b) => a.invoked - b.invoked);
  }
  const log = (final as BalancingFinal | undefined)?.registry ?? undefined;
  const timeline = log ? new KeyTimeline(log) : undefined;
  const firstListed = new Map<string, number>();
  if (timeline) {
    timeline.states.forEach((s, i) => {
      for (const kv of s.values()) {
        if (!firstListed.has(kv.value)) firstListed.set(kv.value, timeline.revisions[i]);
      }
    });
  }
  return { clients: [...byClient.values()], calls, registers, timeline, firstListed };
}

/** The address a `register` operation put (from its completion, else its invocation). */
export function registeredAddr(o: Operation): string | undefined {
  const done = o.complete?.value as { addr?: string } | undefined;
  return done?.addr ?? (o.invoke.value as { addr?: string } | undefined)?.addr;
}

/** The addresses etcd listed at revision `r` (undefined when the log does not cover it). */
export function listedAt(timeline: KeyTimeline, r: number): Set<string> | undefined {
  const s = timeline.at(r);
  return s ? new Set([...s.values()].map((kv) => kv.value)) : undefined;
}

/** The client's last list at or before `time`. */
export function viewAt(views: readonly ResolvedView[], time: number): ResolvedView | undefined {
  let found: ResolvedView | undefined;
  for (const v of views) {
    if (v.time > time) break;
    found = v;
  }
  return found;
}

/**
 * Earliest time anyone (a client's list, a server's put) is known to have
 * seen revision `r` or later: an upper bound on when it became visible.
 */
export function visibleAt(h: BalancingHistory, r: number): number | undefined {
  let t: number | undefined;
  for (const c of h.clients) {
    for (const v of c.views) if (v.revision >= r && (t === undefined || v.time < t)) t = v.time;
  }
  for (const o of h.registers) {
    const rev = Number(o.complete?.revision ?? 0);
    if (o.outcome === "ok" && rev >= r && (t === undefined || o.complete!.time < t)) {
      t = o.complete!.time;
    }
  }
  return t;
}

/** The revision of the last removal of `addr` at or before `r` (etcd's log). */
function removedAt(timeline: KeyTimeline, addr: string, r: number): number | undefined {
  let last: number | undefined;
  let listed = false;
  for (let i = 0; i < timeline.revisions.length && timeline.revisions[i] <= r; i++) {
    const has = [...timeline.states[i].values()].some((kv) => kv.value === addr);
    if (listed && !has) last = timeline.revisions[i];
    listed = has;
  }
  return last;
}

/**
 * No calls to the dead: once etcd removed a server, a client's next address
 * list (the first at that revision or later) must no longer hold it, unless
 * etcd listed it again by then; and no call the client starts more than
 * `slackMs` after such a list may go to it. A list that keeps a removed
 * address is the classic bug: the delete event's value is empty, so the
 * resolver never learns which address to drop.
 */
export function deadRoutingChecker(
  opts: {
    slackMs?: number;
    followMs?: number;
    ops?: BalancingOps;
    /** The servers' role (default "server"): faults on them exercise the check. */
    serverRole?: string;
  } = {},
): BuiltinChecker {
  const slack = opts.slackMs ?? 1000;
  const follow = opts.followMs ?? 3000;
  return {
    name: "no-calls-to-the-dead",
    exercise: { faults: REMOVING, role: opts.serverRole ?? "server" },
    description:
      "after etcd removes a server, clients drop it at their next resolver update and stop calling it within 1 s",
    check(input) {
      const { history, final } = input;
      const h = parseBalancing(history, final, opts.ops);
      const tl = h.timeline;
      if (!tl) {
        return nothingJudged(input, {
          exercisedBy: REMOVING,
          why: "no registry log",
          summary: `etcd's registry log could not be read: ${
            (final as BalancingFinal)?.error ?? "no final read"
          }`,
        });
      }
      const listed = memoListed(tl);
      const owners = ownersOf(h);
      const lives = lifetimes(history);
      const windows = faultWindows(history);
      const historyEnd = history.reduce((m, e) => Math.max(m, e.time), 0);
      const stopped: unknown[] = [];
      // Every removal etcd made, and how long each client that listed the server took to drop it.
      let removals = 0, unseen = 0;
      const lags: number[] = [];
      for (let i = 1; i < tl.states.length; i++) {
        const r = tl.revisions[i];
        const before = listed(tl.revisions[i - 1])!;
        const after = listed(r)!;
        const gone = [...before].filter((a) => !after.has(a));
        if (gone.length === 0) continue;
        removals += gone.length;
        const seen = visibleAt(h, r);
        for (const c of h.clients) {
          const prior = [...c.views].reverse().find((v) => v.revision < r);
          if (!prior || !gone.some((a) => prior.addrs.has(a))) continue;
          const next = c.views.find((v) => v.revision >= r);
          if (!next && seen !== undefined) {
            // Its resolver never caught up although it ran on: its watch died while etcd changed.
            const life = lives.find((l) => l.node === c.node && l.incarnation === c.incarnation);
            const until = Math.min(life?.end ?? historyEnd, historyEnd);
            const hit = faultsOn(windows, c.node, seen, until, follow).length > 0 ||
              windows.some((w) => !isNodeFault(w.fault) && w.start <= until && w.stop >= seen);
            if (until - seen > follow && !hit) {
              stopped.push({
                violation: "resolver stopped following etcd (its watch died while etcd changed)",
                client: `${c.node}#${c.incarnation}`,
                lastList: { revision: prior.revision, ...opRef(prior.op) },
                etcdChangedAt: r,
                removed: gone,
                visibleAt: Math.round(seen),
                ranUntil: Math.round(until),
              });
            }
          }
          if (!next || seen === undefined) unseen++;
          else if (gone.every((a) => !next.addrs.has(a) || listed(next.revision)?.has(a))) {
            lags.push(Math.max(0, next.time - seen));
          }
        }
      }
      // Lists that kept a removed server: one entry per client, server and removal.
      const stale = new Map<
        string,
        { addr: string; first: ResolvedView; last: ResolvedView; n: number }
      >();
      let staleLists = 0;
      const deadCalls: unknown[] = [];
      let deadCallCount = 0;
      for (const c of h.clients) {
        for (const v of c.views) {
          const now = listed(v.revision);
          if (!now) continue;
          for (const addr of v.addrs) {
            const first = h.firstListed.get(addr);
            if (now.has(addr) || first === undefined || first > v.revision) continue;
            staleLists++;
            const key = `${c.node}#${c.incarnation} ${addr} ${removedAt(tl, addr, v.revision)}`;
            const s = stale.get(key);
            if (s) {
              s.last = v;
              s.n++;
            } else stale.set(key, { addr, first: v, last: v, n: 1 });
          }
        }
        // A call goes to the dead when, since a list at least `slack` old, etcd has not listed its address.
        for (const call of c.calls) {
          if (!call.addr) continue;
          const old = viewAt(c.views, call.invoked - slack);
          const now = viewAt(c.views, call.invoked);
          if (!old || !now) continue;
          const first = h.firstListed.get(call.addr);
          if (first === undefined || first > old.revision) continue; // never listed: a phantom
          if (listed(old.revision)?.has(call.addr) !== false) continue;
          if (listed(now.revision)?.has(call.addr) !== false) continue;
          deadCallCount++;
          if (deadCalls.length < MAX_EVIDENCE) {
            deadCalls.push({
              violation: "call to a server etcd had removed",
              addr: call.addr,
              server: owners.get(call.addr),
              removedAt: removedAt(tl, call.addr, old.revision),
              call: opRef(call.op),
              clientList: { revision: old.revision, ...opRef(old.op) },
            });
          }
        }
      }
      const kept = [...stale.values()].map((s) => ({
        violation: "resolver kept a server etcd had removed",
        addr: s.addr,
        server: owners.get(s.addr),
        removedAt: removedAt(tl, s.addr, s.first.revision),
        firstList: { revision: s.first.revision, addrs: [...s.first.addrs], ...opRef(s.first.op) },
        lists: s.n,
        keptMs: Math.round(s.last.time - s.first.time),
      }));
      const figures: Record<string, number | null> = {
        removals,
        drops: lags.length,
        unseen,
        staleLists,
        deadCalls: deadCallCount,
        ...summarize("dropLagMs", lags),
      };
      const lagText = lags.length === 0
        ? "no client dropped one"
        : `${lags.length} drop(s), lag after etcd median ${figures.dropLagMs_median} ms, ` +
          `p95 ${figures.dropLagMs_p95} ms, max ${figures.dropLagMs_max} ms`;
      const unseenText = unseen ? `; ${unseen} came after a client's last list` : "";
      if (stopped.length > 0 && staleLists + deadCallCount === 0) {
        return {
          valid: false,
          judged: lags.length + stopped.length,
          summary: `${stopped.length} resolver(s) stopped following etcd: a removal at revision ${
            (stopped[0] as { etcdChangedAt: number }).etcdChangedAt
          } never reached a client that ran on for more than ${follow} ms`,
          evidence: stopped.slice(0, MAX_EVIDENCE),
          figures: { ...figures, stoppedResolvers: stopped.length },
        };
      }
      if (staleLists > 0 || deadCallCount > 0) {
        return {
          valid: false,
          judged: lags.length + stale.size + deadCallCount,
          summary:
            `${stale.size} time(s) a resolver kept a removed server (${staleLists} lists), ` +
            `${deadCallCount} call(s) went to one after ${slack} ms; ${removals} removals, ${lagText}`,
          evidence: [...kept, ...deadCalls, ...stopped].slice(0, MAX_EVIDENCE),
          figures,
        };
      }
      if (lags.length === 0) {
        return nothingJudged(input, {
          exercisedBy: REMOVING,
          why: `no client saw etcd remove a server it listed (${removals} removals${unseenText})`,
          figures,
        });
      }
      return {
        valid: true,
        judged: lags.length,
        summary:
          `${removals} removals, every client's next list dropped the server: ${lagText}${unseenText}`,
        figures,
      };
    },
  };
}

/** `listedAt` with a cache per state. */
function memoListed(tl: KeyTimeline): (r: number) => Set<string> | undefined {
  const cache = new Map<number, Set<string>>();
  return (r) => {
    if (!tl.covers(r)) return undefined;
    const i = tl.indexAt(r);
    let s = cache.get(i);
    if (!s) cache.set(i, s = new Set([...tl.states[i].values()].map((kv) => kv.value)));
    return s;
  };
}

/** Address → the server incarnation that registered it (`n2#1`), for evidence a person reads. */
function ownersOf(h: BalancingHistory): Map<string, string> {
  const owners = new Map<string, string>();
  for (const o of h.registers) {
    const addr = registeredAddr(o);
    if (addr) owners.set(addr, `${o.node}#${o.incarnation}`);
  }
  return owners;
}

/**
 * No phantoms: clients list only addresses etcd listed by then, route only to
 * addresses their own resolver gave them, and are answered only by servers
 * that registered the address they answer on.
 */
export function phantomRoutingChecker(opts: { ops?: BalancingOps } = {}): BuiltinChecker {
  return {
    name: "no-phantoms",
    description:
      "resolved addresses were registered in etcd; calls go only to resolved addresses and are answered by the server registered there",
    check({ history, final }) {
      const h = parseBalancing(history, final, opts.ops);
      const evidence: unknown[] = [];
      let phantomLists = 0, unresolvedCalls = 0, strangers = 0;
      const note = (e: Record<string, unknown>) => {
        if (evidence.length < MAX_EVIDENCE) evidence.push(e);
      };
      if (h.timeline) {
        for (const c of h.clients) {
          for (const v of c.views) {
            if (!h.timeline.covers(v.revision)) continue;
            for (const a of v.addrs) {
              const first = h.firstListed.get(a);
              if (first !== undefined && first <= v.revision) continue;
              phantomLists++;
              note({
                violation: "resolver listed an address etcd never had",
                addr: a,
                list: { revision: v.revision, ...opRef(v.op) },
              });
            }
          }
        }
      }
      // Which server incarnation registered which address (a register that may have applied counts).
      const registered = new Map<string, Operation[]>();
      for (const o of h.registers) {
        const addr = registeredAddr(o);
        if (!addr || o.outcome === "fail") continue;
        registered.set(addr, [...(registered.get(addr) ?? []), o]);
      }
      let answered = 0;
      for (const c of h.clients) {
        for (const call of c.calls) {
          if (call.addr) {
            const given = c.views.some((v) => v.time <= call.invoked && v.addrs.has(call.addr!));
            if (!given) {
              unresolvedCalls++;
              note({
                violation: "call went to an address its resolver never gave",
                addr: call.addr,
                call: opRef(call.op),
              });
            }
          }
          if (!call.ok || !call.server) continue;
          answered++;
          const s = call.server;
          const regs = registered.get(s.addr) ?? [];
          const owner = regs.some((o) =>
            o.node === s.node && o.incarnation === s.incarnation &&
            o.invoke.time <= (call.completed ?? Infinity)
          );
          if (!owner || (call.peer !== undefined && call.peer !== s.addr)) {
            strangers++;
            note({
              violation: owner
                ? "answered by a server other than the one the call was sent to"
                : "answered by a server that never registered that address",
              server: s,
              peer: call.peer,
              call: opRef(call.op),
            });
          }
        }
      }
      const figures = {
        lists: h.clients.reduce((n, c) => n + c.views.length, 0),
        answered,
        phantomLists,
        unresolvedCalls,
        strangers,
      };
      const bad = phantomLists + unresolvedCalls + strangers;
      const judged = figures.lists + h.calls.length;
      if (bad > 0) {
        return {
          valid: false,
          judged,
          summary:
            `${phantomLists} list(s) with unregistered addresses, ${unresolvedCalls} call(s) ` +
            `to unresolved addresses, ${strangers} answer(s) from unregistered servers`,
          evidence,
          figures,
        };
      }
      if (answered === 0) {
        return { valid: "unknown", judged: 0, summary: "no call was answered", figures };
      }
      return {
        valid: true,
        judged,
        summary: `${figures.lists} lists and ${answered} answers, every address registered in etcd${
          h.timeline ? "" : " (lists unchecked: no registry log)"
        }`,
        figures,
      };
    },
  };
}
