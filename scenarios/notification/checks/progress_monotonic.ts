import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import type { Operation } from "../../../lib/history/event.ts";

/** How to read an observation: which series it belongs to, and its rank in that series. */
export interface MonotonicOptions {
  /** Operation name of an observation (ok value: what was seen, revision: where). */
  observe: string;
  /** The series an observed value belongs to (e.g. the job), compared only within it. */
  series(value: unknown): string;
  /** How far along the value is; it must never go down. */
  rank(value: unknown): number;
  /** Checker name (default `never-backwards`). */
  name?: string;
}

/**
 * What each node sees never goes backwards: within one series, a node's
 * acknowledged observations (across its incarnations, in the order they
 * completed) never rank lower than one it saw before.
 */
export function monotonicChecker(o: MonotonicOptions): BuiltinChecker {
  return {
    name: o.name ?? "never-backwards",
    description: "what each node observes of a series never goes back to an earlier state",
    check({ history }) {
      const seen = new Map<string, Operation>();
      const evidence: unknown[] = [];
      let observations = 0;
      let violations = 0;
      const acked = operations(history).filter((x) => x.f === o.observe && x.outcome === "ok")
        .sort((a, b) => a.complete!.time - b.complete!.time);
      const describe = (x: Operation) => ({
        value: x.complete!.value,
        revision: x.complete!.revision,
        incarnation: x.incarnation,
        at: Math.round(x.complete!.time),
      });
      for (const x of acked) {
        observations++;
        const id = `${x.node}\u0000${o.series(x.complete!.value)}`;
        const before = seen.get(id);
        if (before && o.rank(x.complete!.value) < o.rank(before.complete!.value)) {
          violations++;
          if (evidence.length < 50) {
            evidence.push({
              violation: "went backwards",
              node: x.node,
              series: o.series(x.complete!.value),
              before: describe(before),
              after: describe(x),
              events: [before.complete, x.complete],
            });
          }
          continue; // keep the higher one as the mark
        }
        seen.set(id, x);
      }
      const figures = { observations, series: seen.size, violations };
      if (observations === 0) {
        return { valid: "unknown", judged: 0, summary: "nothing observed", figures };
      }
      return violations > 0
        ? {
          valid: false,
          judged: observations,
          summary: `${violations} observation(s) went back to an earlier state`,
          evidence,
          figures,
        }
        : {
          valid: true,
          judged: observations,
          summary: `${observations} observations, none went backwards`,
          figures,
        };
    },
  };
}
