import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import type { Operation, OpEvent } from "../../../lib/history/event.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";

/** The value a counter write carries: it read `from` (at `readModRevision`) and wrote `to`. */
export interface CounterWrite {
  from: number;
  to: number;
  readModRevision: number;
  token?: number;
}

/** What the counter checker needs from the final reads. */
export interface CounterFinal {
  counter: { value: number; modRevision: number } | null;
  /** etcd's record of the counter key (a key log whose prefix is the key), where read. */
  log?: KeyLog | null;
}

/** What etcd's record says of the writes: every put it applied, in revision order. */
interface RecordedPut {
  revision: number;
  value: number;
  /** The value it overwrote (0 where the key did not exist). */
  before: number;
}

/** The puts of the counter key in etcd's record, each with the value it overwrote. */
function recordedPuts(log: KeyLog): RecordedPut[] {
  let value = Number(log.initial[0]?.value ?? 0);
  const puts: RecordedPut[] = [];
  for (const e of log.events) {
    if (e.type !== "put") {
      value = 0;
      continue;
    }
    const v = Number(e.value ?? NaN);
    puts.push({ revision: e.revision, value: v, before: value });
    value = v;
  }
  return puts;
}

/**
 * No lost update on a counter incremented by read-then-write: each
 * acknowledged write must follow the value it read. It fails when two
 * acknowledged writes read the same value, when an acknowledged write landed
 * between another one's read and write, or when the final value is below the
 * acknowledged increments (or above those plus the ones of unknown outcome).
 */
export function counterChecker(opts: { write: string }): BuiltinChecker {
  return {
    name: "resource-safety",
    description: "no lost update on the shared counter: every acknowledged increment survives",
    check({ history, final }) {
      const writes = operations(history).filter((o) => o.f === opts.write);
      const acked = writes.filter((o) => o.outcome === "ok" && o.complete?.revision !== undefined);
      const unknown = writes.filter((o) => o.outcome === "info");
      const evidence: unknown[] = [];
      const describe = (o: Operation) => {
        const v = o.complete!.value as CounterWrite;
        return {
          node: o.node,
          incarnation: o.incarnation,
          read: v.from,
          wrote: v.to,
          token: v.token,
          readModRevision: v.readModRevision,
          revision: o.complete!.revision,
          invoked: round(o.invoke.time),
          completed: round(o.complete!.time),
        };
      };
      const sorted = [...acked].sort((a, b) => a.complete!.revision! - b.complete!.revision!);
      for (let i = 0; i < sorted.length; i++) {
        const w = sorted[i];
        const v = w.complete!.value as CounterWrite;
        // Any acknowledged write strictly between this one's read and write was overwritten.
        for (let j = i - 1; j >= 0; j--) {
          const other = sorted[j];
          if (other.complete!.revision! <= v.readModRevision) break;
          evidence.push({
            violation: "lost update",
            overwritten: describe(other),
            by: describe(w),
            events: [other.invoke, other.complete, w.invoke, w.complete] as OpEvent[],
          });
        }
      }
      const log = (final as CounterFinal | undefined)?.log ?? undefined;
      let settledHappened = 0, settledNot = 0, recorded = 0;
      if (log) {
        const puts = recordedPuts(log);
        recorded = puts.length;
        const byRevision = new Map(acked.map((w) => [w.complete!.revision!, w]));
        for (const p of puts) {
          if (p.value === p.before + 1) continue;
          const w = byRevision.get(p.revision);
          evidence.push({
            violation: "lost update",
            record:
              `etcd's record: the put at revision ${p.revision} set ${p.value} over ${p.before}`,
            revision: p.revision,
            by: w ? describe(w) : "a write of unknown outcome (settled by etcd's record)",
            events: w ? [w.invoke, w.complete] as OpEvent[] : [],
          });
        }
        const putRevisions = new Set(puts.map((p) => p.revision));
        for (const w of acked) {
          const r = w.complete!.revision!;
          if (r < log.from || r > log.to || putRevisions.has(r)) continue;
          evidence.push({
            violation: "acknowledged write not in etcd's record",
            write: describe(w),
            events: [w.invoke, w.complete] as OpEvent[],
          });
        }
        const ackedInRecord = acked.filter((w) => putRevisions.has(w.complete!.revision!)).length;
        settledHappened = Math.max(0, recorded - ackedInRecord);
        settledNot = Math.max(0, unknown.length - settledHappened);
        if (log.from <= 1 && settledHappened > unknown.length) {
          evidence.push({
            violation: "etcd's record holds more writes than were attempted",
            recorded,
            acknowledged: ackedInRecord,
            unknown: unknown.length,
          });
        }
      }
      const counter = (final as CounterFinal | undefined)?.counter;
      const finalValue = counter?.value ?? 0;
      const floor = acked.length + (log && log.from <= 1 ? settledHappened : 0);
      if (finalValue < floor) {
        evidence.push({
          violation: "final counter below acknowledged increments",
          final: finalValue,
          acknowledged: acked.length,
          settledHappened,
        });
      } else if (finalValue > acked.length + unknown.length) {
        evidence.push({
          violation: "final counter above every increment that may have happened",
          final: finalValue,
          acknowledged: acked.length,
          unknown: unknown.length,
        });
      }
      const lost =
        evidence.filter((e) => (e as { violation: string }).violation === "lost update").length;
      const figures = {
        acknowledged: acked.length,
        unknown: unknown.length,
        final: finalValue,
        lostUpdates: lost,
        recordedPuts: log ? recorded : null,
        unknownSettledHappened: log ? settledHappened : null,
        unknownSettledNot: log ? settledNot : null,
      };
      const judged = acked.length + (log ? settledHappened + settledNot : 0);
      if (acked.length === 0 && evidence.length === 0) {
        return { valid: "unknown", judged, summary: "no acknowledged write to judge", figures };
      }
      if (evidence.length > 0) {
        const first = evidence[0] as { violation: string };
        return {
          valid: false,
          judged,
          summary:
            `${first.violation}: ${lost} lost update(s); final ${finalValue}, ${acked.length} acknowledged, ${unknown.length} unknown`,
          evidence,
          figures,
        };
      }
      return {
        valid: true,
        judged,
        summary: `${acked.length} acknowledged increments (+${unknown.length} unknown${
          log ? `: ${settledHappened} happened, ${settledNot} not, by etcd's record` : ""
        }), final ${finalValue}`,
        figures,
      };
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
