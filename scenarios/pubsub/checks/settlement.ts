/**
 * Settling a subscriber's deliveries of unknown outcome (`info`) from its
 * own later word: a subscribe acknowledged with `{ from }` says it resumed
 * after revision `from`, i.e. it holds every message up to `from` as
 * delivered and none after it. So an unknown delivery whose messages all lie
 * after the next resume's `from` did not take effect (they must come again),
 * and one whose messages all lie at or before it did, when no other
 * delivery before that resume could have delivered them instead.
 */
import type { Operation } from "../../../lib/history/event.ts";

/** A delivery as the settlement needs it: the operation and the revisions it carried. */
export interface SettleDelivery {
  op: Operation;
  messages: { id: string; revision: number }[];
}

/** How an unknown delivery was settled; unknown ones not settled are absent. */
export type Settlement = "happened" | "not-happened";

/** The resumes of one subscriber: acknowledged subscribes and the revision each resumed after. */
export interface Resume {
  op: Operation;
  from: number;
}

/** The revision an acknowledged subscribe resumed after, if it says. */
export function resumeOf(op: Operation): Resume | undefined {
  if (op.outcome !== "ok") return undefined;
  const from = (op.complete?.value as { from?: unknown } | undefined)?.from;
  return typeof from === "number" && Number.isFinite(from) ? { op, from } : undefined;
}

/** Whether subscribe `s` surely began after delivery `d` ended (a later incarnation, or later in time). */
function after(s: Operation, d: Operation): boolean {
  if (s.node !== d.node || s.invoke.time < d.invoke.time) return false;
  if (s.incarnation > d.incarnation) return true;
  return d.complete !== undefined && s.invoke.time >= d.complete.time;
}

/** Settles each unknown delivery of one subscriber that its next resume decides. */
export function settleDeliveries(
  deliveries: readonly SettleDelivery[],
  resumes: readonly Resume[],
): Map<Operation, Settlement> {
  const out = new Map<Operation, Settlement>();
  const byTime = [...resumes].sort((a, b) => a.op.invoke.time - b.op.invoke.time);
  for (const d of deliveries) {
    if (d.op.outcome !== "info" || d.messages.length === 0) continue;
    const next = byTime.find((r) => after(r.op, d.op));
    if (!next) continue;
    const revisions = d.messages.map((m) => m.revision);
    if (Math.min(...revisions) > next.from) {
      out.set(d.op, "not-happened");
      continue;
    }
    if (Math.max(...revisions) > next.from) continue; // the resume splits it: undecided
    // Resumed past all of them: this delivery did it, unless another one may have.
    const ids = new Set(d.messages.map((m) => m.id));
    const rival = deliveries.some((o) =>
      o !== d && o.op.outcome !== "fail" && o.op.invoke.time < next.op.invoke.time &&
      o.messages.some((m) => ids.has(m.id))
    );
    if (!rival) out.set(d.op, "happened");
  }
  return out;
}
