import type { Checker } from "./checker.ts";
import { operations } from "../history/event.ts";
import type { Operation, OpEvent } from "../history/event.ts";

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
}

/**
 * No lost update on a counter incremented by read-then-write: each
 * acknowledged write must follow the value it read. It fails when two
 * acknowledged writes read the same value, when an acknowledged write landed
 * between another one's read and write, or when the final value is below the
 * acknowledged increments (or above those plus the ones of unknown outcome).
 */
export function counterChecker(opts: { write: string }): Checker {
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
      const counter = (final as CounterFinal | undefined)?.counter;
      const finalValue = counter?.value ?? 0;
      if (finalValue < acked.length) {
        evidence.push({
          violation: "final counter below acknowledged increments",
          final: finalValue,
          acknowledged: acked.length,
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
      };
      if (acked.length === 0) {
        return { valid: "unknown", summary: "no acknowledged write to judge", figures };
      }
      if (evidence.length > 0) {
        const first = evidence[0] as { violation: string };
        return {
          valid: false,
          summary:
            `${first.violation}: ${lost} lost update(s); final ${finalValue}, ${acked.length} acknowledged, ${unknown.length} unknown`,
          evidence,
          figures,
        };
      }
      return {
        valid: true,
        summary:
          `${acked.length} acknowledged increments (+${unknown.length} unknown), final ${finalValue}`,
        figures,
      };
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
