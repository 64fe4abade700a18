import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import type { Operation } from "../../../lib/history/event.ts";
import { excusedWindows, faultFreeMs } from "./fault_free.ts";
import { summarize } from "../../../lib/checks/stats.ts";

/** Operation names and how to tell which job (or other awaited thing) a value is about. */
export interface CompletionOptions {
  /** The worker's operation that marks a job done (value names the job). */
  complete: string;
  /** A waiter's operation: invoke value names the job, ok when it saw it done. */
  wait: string;
  /** A waiter's observation (ok value: what it saw); a `done` one also proves completion. */
  observe: string;
  /** The job a value is about. */
  job(value: unknown): string;
  /** Whether an observed value shows the job done. */
  done(value: unknown): boolean;
}

/** What the checker reads from the final reads: the jobs etcd holds and whether each is done. */
export interface CompletionFinal {
  jobs: { job: number | string; done: boolean }[];
}

/**
 * Every waiter sees a completion within a bound after it happened, also one
 * that started waiting after it (the bound then runs from its start); no
 * waiter hangs. The bound (`params.completionBoundMs`, default 2000) counts
 * only fault-free time: faults aimed at the waiter and member faults, each
 * until `params.recoverMs` (default 2000) after its heal, do not count. A
 * wait that ended without seeing the completion (stopped, killed, or still
 * open at the end) fails once it had more than the bound.
 */
export function completionChecker(o: CompletionOptions): BuiltinChecker {
  return {
    name: "completion-seen",
    description:
      "every waiter sees each completion within a bound of fault-free time after it happened (or after it started waiting); none hangs",
    check({ history, final, params }) {
      const boundMs = Number(params.completionBoundMs ?? 2000);
      const recoverMs = Number(params.recoverMs ?? 2000);
      const ops = operations(history);
      const end = history.reduce((m, e) => Math.max(m, e.time), 0);
      // When each job was done: its acknowledged completion, else the first time anyone saw it done.
      const doneAt = new Map<string, number>();
      const earliest = (job: string, t: number) =>
        doneAt.set(job, Math.min(doneAt.get(job) ?? Infinity, t));
      for (const x of ops) {
        if (x.f === o.complete && x.outcome === "ok") {
          earliest(o.job(x.complete!.value), x.complete!.time);
        }
      }
      for (const x of ops) {
        if (x.f !== o.observe || x.outcome !== "ok" || !o.done(x.complete!.value)) continue;
        const job = o.job(x.complete!.value);
        if (!doneAt.has(job)) earliest(job, x.complete!.time);
      }
      // A completion of unknown outcome that etcd holds in the end: done by the time its call ended.
      const finallyDone = new Set(
        ((final as CompletionFinal | undefined)?.jobs ?? []).filter((j) => j.done).map((j) =>
          String(j.job)
        ),
      );
      for (const x of ops) {
        if (x.f !== o.complete || x.outcome !== "info") continue;
        const job = o.job(x.invoke.value);
        if (!doneAt.has(job) && finallyDone.has(job)) earliest(job, x.complete?.time ?? end);
      }
      const windows = new Map<string, [number, number][]>();
      const excused = (node: string) => {
        if (!windows.has(node)) windows.set(node, excusedWindows(history, node, recoverMs));
        return windows.get(node)!;
      };
      const latencies: number[] = [];
      const freeLatencies: number[] = [];
      const evidence: unknown[] = [];
      let judged = 0;
      let late = 0;
      let hung = 0;
      let early = 0;
      const waits = ops.filter((x) => x.f === o.wait);
      for (const w of waits) {
        const job = o.job(w.invoke.value);
        const at = doneAt.get(job);
        // A wait that says it saw the completion must have: its answer is not a state short of
        // done, and the job was done at some point (acknowledged, observed, or in etcd at the end).
        const answer = w.complete?.value as Record<string, unknown> | null | undefined;
        const short = typeof answer === "object" && answer !== null && "done" in answer &&
          !o.done(answer);
        if (w.outcome === "ok" && (short || at === undefined)) {
          judged++;
          early++;
          if (evidence.length < 50) {
            evidence.push({
              violation: "claimed the completion before it happened",
              node: w.node,
              incarnation: w.incarnation,
              job,
              doneAt: at === undefined ? null : Math.round(at),
              answeredAt: Math.round(w.complete!.time),
              answer: w.complete!.value,
              events: [w.invoke, w.complete].filter(Boolean) as Operation["invoke"][],
            });
          }
          continue;
        }
        if (at === undefined) continue;
        const from = Math.max(at, w.invoke.time);
        const until = w.complete?.time ?? end;
        const seen = w.outcome === "ok";
        const freeMs = faultFreeMs(from, until, excused(w.node));
        if (!seen && freeMs <= boundMs) continue; // ended before its time was up
        judged++;
        if (seen) {
          latencies.push(until - from);
          freeLatencies.push(freeMs);
        }
        if (freeMs <= boundMs) continue;
        if (seen) late++;
        else hung++;
        if (evidence.length < 50) {
          evidence.push({
            violation: seen ? "saw the completion late" : "never saw the completion (hung)",
            node: w.node,
            incarnation: w.incarnation,
            job,
            doneAt: Math.round(at),
            waitingSince: Math.round(w.invoke.time),
            [seen ? "sawAt" : "gaveUpAt"]: Math.round(until),
            faultFreeMs: Math.round(freeMs),
            boundMs,
            events: [w.invoke, w.complete].filter(Boolean) as Operation["invoke"][],
          });
        }
      }
      const figures: Record<string, number | null> = {
        completions: doneAt.size,
        judged,
        late,
        hung,
        early,
        ...summarize("seenAfterMs", latencies),
        // The part of it the bound judges: what faults left of it.
        ...summarize("seenAfterFaultFreeMs", freeLatencies),
      };
      if (judged === 0) {
        return { valid: "unknown", judged, summary: "no waiter had a completion to see", figures };
      }
      if (late + hung + early > 0) {
        return {
          valid: false,
          judged,
          summary: (early > 0 ? `${early} wait(s) claimed a completion before it happened, ` : "") +
            `${hung} wait(s) never saw a completion, ${late} saw it late (bound ${boundMs} ms of fault-free time)`,
          evidence,
          figures,
        };
      }
      return {
        valid: true,
        judged,
        summary: `${judged} waits saw their completion in time, max ${figures.seenAfterMs_max} ms`,
        figures,
      };
    },
  };
}
