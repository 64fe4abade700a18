/**
 * Checkers of a broadcast (pub/sub over a watched prefix): the watch
 * guarantees etcd documents, ordered, unique, reliable and resumable, as a
 * subscriber's application sees them.
 *
 * The history they read:
 * - `publish`: invoke value `{ id, key }`; ok revision is the message's revision.
 * - `subscribe`: ok once the subscription holds; the subscriber's first one
 *   marks from when it must get every message published. Its ok value
 *   `{ from }` (where it resumed) settles an earlier `deliver` of unknown
 *   outcome (see delivery_settlement.ts).
 * - `deliver`: value `{ messages: [{ id, key, revision }] }`; ok means the
 *   subscriber's application has them (and will not get them again), info
 *   maybe, fail not.
 * - `gap`: ok value `{ after, compactRevision }`: the subscriber says the
 *   events after revision `after` were compacted away before it could read them.
 * - `drain`: ok revision R at the end: the subscriber got everything up to R.
 * - fault `compact` with detail `{ compacted: true, revision }`.
 */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import type { HistoryEvent, Operation } from "../../../lib/history/event.ts";
import { summarize } from "../../../lib/checks/stats.ts";
import { resumeOf, settleDeliveries } from "./settlement.ts";
import type { Resume, Settlement } from "./settlement.ts";

/** A message as a delivery or the final read names it. */
export interface BroadcastMessage {
  id: string;
  key?: string;
  revision: number;
}

/** What the broadcast checkers need from the final reads: the messages etcd still holds. */
export interface BroadcastFinal {
  messages: BroadcastMessage[];
}

/** Operation names, when a scenario uses others. */
export interface BroadcastOps {
  publish: string;
  subscribe: string;
  deliver: string;
  gap: string;
  drain: string;
}

const OPS: BroadcastOps = {
  publish: "publish",
  subscribe: "subscribe",
  deliver: "deliver",
  gap: "gap",
  drain: "drain",
};

/** Evidence lists are cut here; the figures keep the full counts. */
const MAX_EVIDENCE = 50;

interface Publication {
  id: string;
  key?: string;
  op: Operation;
  /** The message's revision: acknowledged, or learned from a delivery or the final read. */
  revision?: number;
}

interface Delivery {
  op: Operation;
  messages: BroadcastMessage[];
  /** An unknown delivery the subscriber's next resume settled. */
  settled?: Settlement;
}

interface Subscription {
  node: string;
  /** Completion of the first acknowledged subscribe: messages published after must arrive. */
  subscribedAt?: number;
  deliveries: Delivery[];
  /** Acknowledged subscribes that say where they resumed. */
  resumes: Resume[];
  gaps: Operation[];
  /** Revision of the last acknowledged drain. */
  drainedThrough?: number;
}

interface Parsed {
  publications: Map<string, Publication>;
  subscriptions: Subscription[];
}

function parse(history: readonly HistoryEvent[], final: unknown, o: BroadcastOps): Parsed {
  const publications = new Map<string, Publication>();
  const subs = new Map<string, Subscription>();
  const sub = (node: string) => {
    let s = subs.get(node);
    if (!s) subs.set(node, s = { node, deliveries: [], resumes: [], gaps: [] });
    return s;
  };
  for (const op of operations(history)) {
    if (op.f === o.publish) {
      const v = op.invoke.value as { id: string; key?: string } | undefined;
      if (!v?.id) continue;
      publications.set(v.id, {
        id: v.id,
        key: v.key,
        op,
        revision: op.outcome === "ok" ? op.complete?.revision : undefined,
      });
    } else if (op.f === o.subscribe) {
      const s = sub(op.node);
      if (op.outcome === "ok" && s.subscribedAt === undefined) s.subscribedAt = op.complete!.time;
      const resume = resumeOf(op);
      if (resume) s.resumes.push(resume);
    } else if (op.f === o.deliver) {
      const v = (op.complete?.value ?? op.invoke.value) as { messages?: BroadcastMessage[] };
      sub(op.node).deliveries.push({ op, messages: v?.messages ?? [] });
    } else if (op.f === o.gap && op.outcome === "ok") {
      sub(op.node).gaps.push(op);
    } else if (op.f === o.drain && op.outcome === "ok") {
      sub(op.node).drainedThrough = op.complete!.revision;
    }
  }
  // A message of unknown outcome happened if anyone delivered it or etcd still holds it.
  const learn = (m: BroadcastMessage) => {
    const p = publications.get(m.id);
    if (p && p.revision === undefined && p.op.outcome === "info") p.revision = m.revision;
  };
  for (const s of subs.values()) {
    for (const d of s.deliveries) if (d.op.outcome !== "fail") d.messages.forEach(learn);
  }
  for (const m of (final as BroadcastFinal | undefined)?.messages ?? []) learn(m);
  for (const s of subs.values()) {
    s.deliveries.sort((a, b) => a.op.invoke.time - b.op.invoke.time);
    const settled = settleDeliveries(s.deliveries, s.resumes);
    for (const d of s.deliveries) d.settled = settled.get(d.op);
  }
  return {
    publications,
    subscriptions: [...subs.values()].sort((a, b) => a.node.localeCompare(b.node)),
  };
}

/**
 * Compactions that took effect: when, and up to which revision. Any fault
 * event whose detail says `compacted` with a `revision` counts: the
 * `compact` fault's start, and heals that compact (`nospace`'s stop, which
 * says when in `compactedAt`).
 */
function compactions(history: readonly HistoryEvent[]): { time: number; revision: number }[] {
  const out = [];
  for (const e of history) {
    if (e.kind !== "fault") continue;
    const d = e.detail as
      | { compacted?: boolean; revision?: number; compactedAt?: number }
      | undefined;
    if (d?.compacted === true && typeof d.revision === "number") {
      out.push({
        time: typeof d.compactedAt === "number" ? d.compactedAt : e.time,
        revision: d.revision,
      });
    }
  }
  return out;
}

/** Times each node was not running: from an exit to its next spawn. */
function downtimes(history: readonly HistoryEvent[]): Map<string, [number, number][]> {
  const down = new Map<string, [number, number][]>();
  for (const e of history) {
    if (e.kind !== "node") continue;
    const list = down.get(e.node) ?? [];
    down.set(e.node, list);
    if (e.type === "exit") list.push([e.time, Infinity]);
    else if (e.type === "spawn" && list.length > 0 && list[list.length - 1][1] === Infinity) {
      list[list.length - 1][1] = e.time;
    }
  }
  return down;
}

const round = (ms: number) => Math.round(ms);

/** A delivery's outcome once settled: an unknown one the next resume decided counts as decided. */
function effective(d: Delivery): Operation["outcome"] {
  if (d.settled === "happened") return "ok";
  if (d.settled === "not-happened") return "fail";
  return d.op.outcome;
}

/**
 * Reliable and unique: every message published (invoked) after a subscriber
 * subscribed, up to the revision it drained to, reaches it exactly once: no
 * acknowledged delivery twice, and none missing. A delivery of unknown
 * outcome that the subscriber's next resume settles counts as it settled
 * (happened: a later delivery of its messages is a duplicate; did not: its
 * messages must come again); an unsettled one may excuse a loss but never
 * makes a duplicate. A message of unknown
 * outcome counts as published when any subscriber delivered it or etcd
 * still holds it (so it reaches all subscribers or none). A message lost in
 * a gap the subscriber recorded is excused only if a compaction really
 * destroyed that history (a compaction past `after` + 1 took effect before
 * the gap was recorded); a silent loss, or a gap with no compaction behind
 * it, fails.
 */
export function deliveryChecker(ops: Partial<BroadcastOps> = {}): BuiltinChecker {
  const o = { ...OPS, ...ops };
  return {
    name: "delivered-once",
    description:
      "every message published after a subscriber subscribed reaches it exactly once; losses only in recorded gaps a compaction caused",
    check({ history, final }) {
      const { publications, subscriptions } = parse(history, final, o);
      const compacted = compactions(history);
      const down = downtimes(history);
      const keyWriters = new Map<string, Publication[]>();
      for (const p of publications.values()) {
        if (p.key) keyWriters.set(p.key, [...(keyWriters.get(p.key) ?? []), p]);
      }
      const lost: unknown[] = [];
      const duplicates: unknown[] = [];
      const badGaps: unknown[] = [];
      const neverDrained: unknown[] = [];
      const latencies: number[] = [];
      let required = 0;
      let excused = 0;
      let undrained = 0;
      let gapCount = 0;
      let lostWhileDown = 0;
      let lostOverwritten = 0;
      let settledHappened = 0, settledNot = 0, unsettled = 0;
      const subscribed = subscriptions.filter((s) => s.subscribedAt !== undefined);
      for (const s of subscribed) {
        const okDelivered = s.deliveries.filter((d) => effective(d) === "ok");
        const maxDelivered = Math.max(
          0,
          ...okDelivered.flatMap((d) => d.messages.map((m) => m.revision)),
        );
        if (s.drainedThrough === undefined) {
          undrained++;
          const drains = s.deliveries.length === 0 ? [] : [s.deliveries.at(-1)!.op.complete];
          neverDrained.push({
            violation: "subscriber never drained",
            subscriber: s.node,
            hint:
              "no acknowledged drain: what it missed after its last delivery cannot be told from what it never got",
            deliveredThrough: maxDelivered || null,
            events: drains.filter(Boolean),
          });
        }
        const bound = s.drainedThrough ?? maxDelivered;
        const got = new Map<string, { ok: Operation[]; maybe: Operation[] }>();
        for (const d of s.deliveries) {
          const outcome = effective(d);
          if (d.op.outcome === "info") {
            if (d.settled === "happened") settledHappened++;
            else if (d.settled === "not-happened") settledNot++;
            else if (d.messages.length > 0) unsettled++;
          }
          if (outcome === "fail") continue;
          for (const m of d.messages) {
            const g = got.get(m.id) ?? { ok: [], maybe: [] };
            got.set(m.id, g);
            (outcome === "ok" ? g.ok : g.maybe).push(d.op);
          }
        }
        // Gaps: what each one may excuse, and whether a compaction stands behind it.
        gapCount += s.gaps.length;
        const gaps = s.gaps.map((g) => {
          const after = Number((g.complete!.value as { after?: number })?.after ?? NaN);
          const before = Math.max(
            0,
            ...compacted.filter((c) => c.time <= g.complete!.time).map((c) => c.revision),
          );
          return { op: g, after, before, justified: before > after + 1 };
        });
        for (const g of gaps) {
          if (g.justified) continue;
          badGaps.push({
            violation: "gap reported with no compaction behind it",
            subscriber: s.node,
            after: g.after,
            compactedTo: g.before || null,
            events: [g.op.invoke, g.op.complete],
          });
        }
        for (const p of publications.values()) {
          const r = p.revision;
          if (r === undefined || p.op.outcome === "fail") continue;
          if (p.op.invoke.time <= s.subscribedAt! || r > bound) continue;
          required++;
          const g = got.get(p.id);
          const firstOk = g?.ok.find((d) => d.outcome === "ok");
          if (firstOk && p.op.outcome === "ok") {
            latencies.push(Math.max(0, firstOk.complete!.time - p.op.complete!.time));
          }
          if (g && g.ok.length + g.maybe.length > 0) continue;
          if (gaps.some((x) => x.justified && x.after < r && r < x.before)) {
            excused++;
            continue;
          }
          const publishedAt = p.op.complete?.time ?? p.op.invoke.time;
          const wasDown = (down.get(s.node) ?? []).find(([a, b]) =>
            a <= publishedAt && publishedAt <= b
          );
          const overwrittenBy = (p.key ? keyWriters.get(p.key) ?? [] : [])
            .filter((q) => q.id !== p.id && (q.revision ?? 0) > r)
            .sort((a, b) => a.revision! - b.revision!)[0];
          if (wasDown) lostWhileDown++;
          else if (overwrittenBy) lostOverwritten++;
          lost.push({
            violation: "message never delivered (silent gap)",
            subscriber: s.node,
            message: { id: p.id, key: p.key, revision: r, outcome: p.op.outcome },
            publishedAt: round(publishedAt),
            hint: wasDown
              ? `subscriber was not running from ${round(wasDown[0])} to ${
                Number.isFinite(wasDown[1]) ? round(wasDown[1]) : "the end"
              } ms and did not resume`
              : overwrittenBy
              ? `its key was written again by ${overwrittenBy.id} at revision ${overwrittenBy.revision}`
              : undefined,
            events: [p.op.invoke, p.op.complete],
          });
        }
        for (const [id, g] of got) {
          if (g.ok.length < 2) continue;
          duplicates.push({
            violation: "message delivered more than once",
            subscriber: s.node,
            id,
            deliveries: g.ok.map((d) => ({
              incarnation: d.incarnation,
              at: d.complete ? round(d.complete.time) : null,
              // Unknown, settled as happened by the subscriber's next resume.
              ...(d.outcome === "info" ? { settledBy: "resume" } : {}),
            })),
            events: g.ok.flatMap((d) => [d.invoke, d.complete]).filter(Boolean),
          });
        }
      }
      const figures = {
        published: [...publications.values()].filter((p) => p.op.outcome === "ok").length,
        unknownOutcome: [...publications.values()].filter((p) => p.op.outcome === "info").length,
        subscribers: subscribed.length,
        required,
        lost: lost.length,
        lostWhileDown,
        lostOverwritten,
        duplicates: duplicates.length,
        gaps: gapCount,
        excusedByGaps: excused,
        undrained,
        unknownDeliveriesHappened: settledHappened,
        unknownDeliveriesNotHappened: settledNot,
        unknownDeliveriesUnsettled: unsettled,
        ...summarize("deliveryMs", latencies),
      };
      if (required === 0) {
        return {
          valid: neverDrained.length > 0 ? false : "unknown",
          judged: 0,
          summary: neverDrained.length > 0
            ? `${neverDrained.length} subscriber(s) never drained`
            : "no message any subscriber had to receive",
          evidence: neverDrained,
          figures,
        };
      }
      const evidence = [...lost, ...duplicates, ...badGaps, ...neverDrained];
      // What the resumes settled is said in either verdict: it decided what counts as delivered.
      const settledNote = settledHappened + settledNot + unsettled > 0
        ? `; unknown deliveries: ${settledHappened} happened, ${settledNot} did not (settled by the next resume), ${unsettled} unsettled`
        : "";
      if (evidence.length > 0) {
        const parts = [
          lost.length ? `${lost.length} silently lost` : "",
          duplicates.length ? `${duplicates.length} duplicated` : "",
          badGaps.length ? `${badGaps.length} gap(s) with no compaction` : "",
          neverDrained.length ? `${neverDrained.length} subscriber(s) never drained` : "",
        ].filter(Boolean).join(", ");
        return {
          valid: false,
          judged: required,
          summary: `${parts} (of ${required} subscriber×message deliveries required)${settledNote}`,
          evidence: evidence.slice(0, MAX_EVIDENCE),
          figures,
        };
      }
      return {
        valid: true,
        judged: required,
        summary:
          `${required} required deliveries to ${subscribed.length} subscribers, each exactly once` +
          (gapCount
            ? `; ${gapCount} compaction gap(s) reported, ${excused} message(s) excused`
            : "") +
          settledNote,
        figures,
      };
    },
  };
}

/**
 * Ordered: each subscriber's acknowledged deliveries, across its
 * incarnations, come in strictly increasing revision order (a replayed or
 * older message after a newer one fails).
 */
export function revisionOrderChecker(ops: Partial<BroadcastOps> = {}): BuiltinChecker {
  const o = { ...OPS, ...ops };
  return {
    name: "revision-order",
    description: "each subscriber delivers messages in strictly increasing revision order",
    check({ history, final }) {
      const { subscriptions } = parse(history, final, o);
      const evidence: unknown[] = [];
      let delivered = 0;
      let violations = 0;
      for (const s of subscriptions) {
        let last: { m: BroadcastMessage; op: Operation } | undefined;
        const seen = new Set<string>();
        const acked = s.deliveries.filter((d) => d.op.outcome === "ok")
          .sort((a, b) => a.op.complete!.time - b.op.complete!.time);
        for (const d of acked) {
          for (const m of d.messages) {
            delivered++;
            if (last && m.revision <= last.m.revision) {
              violations++;
              if (evidence.length < MAX_EVIDENCE) {
                evidence.push({
                  violation: seen.has(m.id) ? "message delivered again" : "out of revision order",
                  subscriber: s.node,
                  after: { ...last.m, incarnation: last.op.incarnation },
                  got: { ...m, incarnation: d.op.incarnation },
                  events: [last.op.complete, d.op.complete],
                });
              }
            }
            seen.add(m.id);
            if (!last || m.revision > last.m.revision) last = { m, op: d.op };
          }
        }
      }
      const figures = { delivered, violations };
      if (delivered === 0) {
        return { valid: "unknown", judged: 0, summary: "nothing delivered", figures };
      }
      return violations > 0
        ? {
          valid: false,
          judged: delivered,
          summary: `${violations} delivery(ies) not after the previous one's revision`,
          evidence,
          figures,
        }
        : {
          valid: true,
          judged: delivered,
          summary: `${delivered} deliveries, each after the one before`,
          figures,
        };
    },
  };
}

/**
 * Nothing unpublished appears: every delivered message names a message that
 * was published (not one that surely failed), at the revision its publish
 * got when that is known.
 */
export function noPhantomChecker(ops: Partial<BroadcastOps> = {}): BuiltinChecker {
  const o = { ...OPS, ...ops };
  return {
    name: "no-phantoms",
    description: "every delivered message was published, at the revision its publish got",
    check({ history, final }) {
      const { publications, subscriptions } = parse(history, final, o);
      const evidence: unknown[] = [];
      let delivered = 0;
      let phantoms = 0;
      for (const s of subscriptions) {
        for (const d of s.deliveries) {
          if (d.op.outcome === "fail") continue;
          for (const m of d.messages) {
            delivered++;
            const p = publications.get(m.id);
            const acked = p?.op.outcome === "ok" ? p.op.complete!.revision : undefined;
            const problem = !p
              ? "never published"
              : p.op.outcome === "fail"
              ? "its publish surely failed"
              : acked !== undefined && acked !== m.revision
              ? `published at revision ${acked}`
              : p.key !== undefined && m.key !== undefined && p.key !== m.key
              ? `published under key ${p.key}`
              : undefined;
            if (!problem) continue;
            phantoms++;
            if (evidence.length < MAX_EVIDENCE) {
              evidence.push({
                violation: `delivered message ${problem}`,
                subscriber: s.node,
                message: m,
                events: [d.op.invoke, d.op.complete],
              });
            }
          }
        }
      }
      const figures = { delivered, phantoms };
      if (delivered === 0) {
        return { valid: "unknown", judged: 0, summary: "nothing delivered", figures };
      }
      return phantoms > 0
        ? {
          valid: false,
          judged: delivered,
          summary: `${phantoms} delivered message(s) never published as delivered`,
          evidence,
          figures,
        }
        : {
          valid: true,
          judged: delivered,
          summary: `${delivered} deliveries, all of published messages`,
          figures,
        };
    },
  };
}
