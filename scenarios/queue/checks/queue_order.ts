/**
 * Checkers of a FIFO queue, from `enqueue` operations (invoke value
 * `{ id }`, ok revision the item's create revision), `dequeue` operations
 * (invoke value `{ id, createRevision }`, ok revision the claim's) and the
 * final drain (the items still queued at the end, removed after the nodes
 * stopped).
 */
import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import type { Operation } from "../../../lib/history/event.ts";
import { summarize } from "../../../lib/checks/stats.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";

/** The ids of the items etcd's record shows were created, from their values. */
function createdIds(log: KeyLog, idOf: (value: string) => string): Set<string> {
  const ids = new Set(log.initial.map((kv) => idOf(kv.value)));
  for (const e of log.events) {
    if (e.type === "put" && e.createRevision === e.revision) ids.add(idOf(e.value ?? ""));
  }
  return ids;
}

/** An item as a claim or the drain names it. */
export interface QueueItem {
  id: string;
  createRevision: number;
}

/** What the queue checkers need from the final reads: what the final drain removed, at which revision. */
export interface QueueFinal {
  drained: QueueItem[];
  revision: number;
  /** etcd's record of the queue's keys up to the drain, where read: it settles enqueues of unknown outcome. */
  log?: KeyLog | null;
}

/** Operation names, when a scenario uses others. */
export interface QueueOps {
  enqueue: string;
  dequeue: string;
}

const OPS: QueueOps = { enqueue: "enqueue", dequeue: "dequeue" };
const MAX_EVIDENCE = 50;

interface Fate {
  id: string;
  enqueue?: Operation;
  /** Acknowledged claims. */
  claims: Operation[];
  /** Claims of unknown outcome. */
  maybe: Operation[];
  drained: boolean;
  createRevision?: number;
}

function fates(
  ops: readonly Operation[],
  final: QueueFinal | undefined,
  o: QueueOps,
): Map<string, Fate> {
  const all = new Map<string, Fate>();
  const fate = (id: string) => {
    let f = all.get(id);
    if (!f) all.set(id, f = { id, claims: [], maybe: [], drained: false });
    return f;
  };
  for (const x of ops) {
    const v = x.invoke.value as { id?: string; createRevision?: number } | undefined;
    if (!v?.id) continue;
    if (x.f === o.enqueue) {
      const f = fate(v.id);
      f.enqueue = x;
      if (x.outcome === "ok") f.createRevision = x.complete!.revision;
    } else if (x.f === o.dequeue) {
      const f = fate(v.id);
      if (x.outcome === "ok") f.claims.push(x);
      else if (x.outcome === "info") f.maybe.push(x);
      if (x.outcome !== "fail") f.createRevision ??= v.createRevision;
    }
  }
  for (const item of final?.drained ?? []) {
    const f = fate(item.id);
    f.drained = true;
    f.createRevision ??= item.createRevision;
  }
  return all;
}

/**
 * A total queue, stricter than Jepsen's (duplicates fail): every
 * acknowledged enqueue is dequeued exactly once (by a claim or the final
 * drain; a claim of unknown outcome may account for it), nothing is
 * dequeued that was never enqueued (or whose enqueue surely failed), and an
 * item of unknown enqueue outcome is dequeued at most once.
 */
export function totalQueueChecker(
  ops: Partial<QueueOps> & { idOf?: (value: string) => string } = {},
): BuiltinChecker {
  const o = { ...OPS, ...ops };
  return {
    name: "total-queue",
    description:
      "every acknowledged item dequeued exactly once, nothing unexpected, unknown items at most once",
    check({ history, final }) {
      const drain = final as QueueFinal | undefined;
      const all = fates(operations(history), drain, o);
      // etcd's record settles an enqueue of unknown outcome: the item was created, or (a record
      // from revision 1 on) it never was.
      const created = drain?.log && o.idOf ? createdIds(drain.log, o.idOf) : undefined;
      const whole = drain?.log?.from === 1;
      let settledHappened = 0, settledNot = 0;
      const evidence: unknown[] = [];
      const count = { lost: 0, duplicated: 0, unexpected: 0 };
      const report = (kind: keyof typeof count, e: Record<string, unknown>) => {
        count[kind]++;
        if (evidence.length < MAX_EVIDENCE) evidence.push(e);
      };
      const inQueueMs: number[] = [];
      let acked = 0;
      let unknown = 0;
      for (const f of all.values()) {
        const taken = f.claims.length + (f.drained ? 1 : 0);
        const claims = f.claims.map((c) => ({
          node: c.node,
          incarnation: c.incarnation,
          revision: c.complete!.revision,
          at: Math.round(c.complete!.time),
        }));
        const events = [f.enqueue?.invoke, f.enqueue?.complete, ...f.claims.map((c) => c.complete)]
          .filter(Boolean);
        let outcome = f.enqueue?.outcome;
        if (outcome === "info" && created) {
          if (created.has(f.id)) {
            outcome = "ok";
            settledHappened++;
          } else if (whole) {
            outcome = "fail";
            settledNot++;
          }
        }
        if (f.enqueue?.outcome === "ok") acked++;
        if (outcome === "info") unknown++;
        if (taken > 0 && (outcome === undefined || outcome === "fail")) {
          report("unexpected", {
            violation: f.enqueue?.outcome === "info"
              ? "dequeued an item etcd's record shows was never created"
              : outcome
              ? "dequeued an item whose enqueue surely failed"
              : "dequeued an item never enqueued",
            id: f.id,
            claims,
            drained: f.drained,
            events,
          });
          continue;
        }
        if (taken > 1) {
          report("duplicated", {
            violation: "item dequeued more than once",
            id: f.id,
            claims,
            drained: f.drained,
            events,
          });
        } else if (outcome === "ok" && taken === 0 && f.maybe.length === 0) {
          report("lost", {
            violation: f.enqueue?.outcome === "ok"
              ? "acknowledged item never dequeued"
              : "item of unknown enqueue outcome never dequeued, though etcd's record shows it was created",
            id: f.id,
            createRevision: f.createRevision,
            events,
          });
        }
        if (f.enqueue?.outcome === "ok" && f.claims.length > 0) {
          inQueueMs.push(Math.max(0, f.claims[0].complete!.time - f.enqueue!.complete!.time));
        }
      }
      const figures = {
        enqueued: acked,
        unknownEnqueues: unknown,
        unknownSettledHappened: created ? settledHappened : null,
        unknownSettledNot: created ? settledNot : null,
        claimed: [...all.values()].reduce((n, f) => n + f.claims.length, 0),
        drained: drain?.drained.length ?? 0,
        ...count,
        ...summarize("inQueueMs", inQueueMs),
      };
      if (acked === 0) {
        return {
          valid: "unknown",
          judged: 0,
          summary: "no acknowledged enqueue to judge",
          figures,
        };
      }
      const bad = count.lost + count.duplicated + count.unexpected;
      return bad > 0
        ? {
          valid: false,
          judged: all.size,
          summary:
            `${count.duplicated} duplicated, ${count.lost} lost, ${count.unexpected} unexpected (of ${acked} acknowledged items)`,
          evidence,
          figures,
        }
        : {
          valid: true,
          judged: all.size,
          summary:
            `${acked} acknowledged items (+${unknown} unknown) each dequeued exactly once, ${figures.drained} by the final drain`,
          figures,
        };
    },
  };
}

/**
 * Claims follow creation order: when an item is claimed at revision D, no
 * older item (lower create revision) was still in the queue at D. An older
 * item whose only removal is of unknown outcome counts only if that claim
 * began after this one ended (so it surely came later).
 */
export function fifoChecker(ops: Partial<QueueOps> = {}): BuiltinChecker {
  const o = { ...OPS, ...ops };
  return {
    name: "fifo-order",
    description: "an item is never claimed while an older one was still queued at that revision",
    check({ history, final }) {
      const drain = final as QueueFinal | undefined;
      const all = [...fates(operations(history), drain, o).values()]
        .filter((f) => f.createRevision !== undefined)
        .sort((a, b) => a.createRevision! - b.createRevision!);
      const evidence: unknown[] = [];
      let judged = 0;
      let violations = 0;
      for (let i = 0; i < all.length; i++) {
        const item = all[i];
        for (const claim of item.claims) {
          judged++;
          const at = claim.complete!.revision!;
          const older = all.slice(0, i).find((j) => {
            if (j.createRevision! >= item.createRevision!) return false;
            const removed = Math.min(
              ...j.claims.map((c) => c.complete!.revision!),
              j.drained && drain ? drain.revision : Infinity,
            );
            if (Number.isFinite(removed)) return removed > at;
            // Only removed by claims of unknown outcome: later only if all began after this one.
            return j.maybe.length > 0 &&
              j.maybe.every((m) => m.invoke.time > claim.complete!.time);
          });
          if (!older) continue;
          violations++;
          if (evidence.length < MAX_EVIDENCE) {
            evidence.push({
              violation: "claimed while an older item was queued",
              claimed: { id: item.id, createRevision: item.createRevision, node: claim.node, at },
              older: { id: older.id, createRevision: older.createRevision },
              events: [claim.invoke, claim.complete],
            });
          }
        }
      }
      const figures = { judged, violations };
      if (judged === 0) return { valid: "unknown", judged, summary: "no claim to judge", figures };
      return violations > 0
        ? {
          valid: false,
          judged,
          summary: `${violations} claim(s) skipped an older queued item`,
          evidence,
          figures,
        }
        : {
          valid: true,
          judged,
          summary: `${judged} claims, each of the oldest queued item`,
          figures,
        };
    },
  };
}
