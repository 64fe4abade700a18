import type { CheckInput, JudgedResult } from "./checker.ts";
import { nothingJudged } from "./checker.ts";
import { latency } from "./latency.ts";
import { slowestProbeMs } from "./stall.ts";
import type { HistoryEvent } from "../history/event.ts";

/** Options of {@link DeadlineTally}. */
export interface DeadlineOptions {
  /** Name of the latency figures (`detectionMs` gives `detectionMs_median`, …). */
  figure: string;
  /** How long a wait may take, ms. */
  boundMs: number;
  /** The run's history: its probes tell how slow the cluster answered in a wait's window. */
  history: readonly HistoryEvent[];
}

/** How a liveness check words its verdict. */
export interface DeadlineWords {
  /** The faults that can exercise the check: without one planned, it does not apply. */
  exercisedBy: readonly string[];
  /** Why nothing was judged, e.g. "no service died in a window free of other faults". */
  idle: string;
  /** The summary of a failing run, given the late count and the latency text. */
  late(n: number, measured: string): string;
  /** The summary of a passing run, given the judged count and the latency text. */
  ok(n: number, measured: string): string;
}

/**
 * How many of a window's slowest probe a late wait may be excused by. A wait
 * on etcd is a chain of a few round trips (a lease revoked, a watch event
 * delivered, a read or two); two of the slowest round trips are about what
 * a loaded cluster adds to it, and stay well under what a subject that is
 * late by design (a poll period, an extra TTL) adds.
 */
export const STALL_ALLOWANCE = 2;

/**
 * The one deadline helper of the liveness checks (detection, removal,
 * re-registration, recovery, re-grant, failover): each judged wait either
 * ended within the bound or is evidence; waits another fault may have
 * delayed are counted as skipped, not judged. The verdict follows the rules
 * every check keeps: a late wait is invalid, nothing judged is never valid,
 * and a check no planned fault could exercise does not apply.
 */
export class DeadlineTally {
  readonly latencies: number[] = [];
  readonly late: Record<string, unknown>[] = [];
  judged = 0;
  skipped = 0;
  /** Late waits the cluster's own slowness accounts for: not judged. */
  excused = 0;
  /** The slowest probe of any window looked at, and of an excused wait's, ms. */
  slowestProbe: number | undefined;
  excusedProbe = 0;

  constructor(readonly o: DeadlineOptions) {}

  /**
   * Judges one wait that began at `from` and took `latencyMs` (undefined: it
   * never ended) and returns whether it was late; a late one is recorded as
   * evidence with its latency, the bound and the slowest probe of its
   * window. A wait late by no more than {@link STALL_ALLOWANCE} of the
   * slowest probes is excused instead, not judged: the cluster itself was
   * that slow then, so it says nothing of the subject.
   */
  judge(
    latencyMs: number | undefined,
    evidence: Record<string, unknown>,
    from: number,
  ): boolean {
    const bound = this.o.boundMs;
    const probe = slowestProbeMs(this.o.history, from, from + (latencyMs ?? bound));
    if (probe !== undefined) this.slowestProbe = Math.max(this.slowestProbe ?? 0, probe);
    const late = latencyMs === undefined || latencyMs > bound;
    if (late && latencyMs !== undefined && latencyMs <= bound + STALL_ALLOWANCE * (probe ?? 0)) {
      this.excused++;
      this.excusedProbe = Math.max(this.excusedProbe, probe!);
      return false;
    }
    this.judged++;
    if (latencyMs !== undefined) this.latencies.push(latencyMs);
    if (late) {
      this.late.push({
        ...evidence,
        latencyMs: latencyMs === undefined ? null : Math.round(latencyMs),
        boundMs: Math.round(bound),
        slowestProbeMs: probe ?? null,
      });
    }
    return late;
  }

  /** Counts a wait another fault may have delayed: not judged. */
  skip(): void {
    this.skipped++;
  }

  /** The verdict, with `extra` violations found besides late waits. */
  result(
    input: Pick<CheckInput, "history" | "plannedFaults">,
    words: DeadlineWords,
    extra: { evidence: unknown[]; summary: string } = { evidence: [], summary: "" },
  ): JudgedResult {
    const measured = latency(this.o.figure, this.latencies);
    const figures: Record<string, number | null> = {
      judged: this.judged,
      skipped: this.skipped,
      ...measured.figures,
      excused: this.excused,
      slowestProbeMs: this.slowestProbe ?? null,
    };
    const excused = this.excused === 0 ? "" : `; ${this.excused} late wait(s) excused: ` +
      `none later than ${STALL_ALLOWANCE} × the cluster's slowest answer in its window ` +
      `(up to ${Math.round(this.excusedProbe)} ms)`;
    if (this.late.length + extra.evidence.length > 0) {
      return {
        valid: false,
        judged: this.judged,
        summary:
          (this.late.length > 0 ? words.late(this.late.length, measured.text) : extra.summary) +
          excused,
        evidence: [...this.late, ...extra.evidence],
        figures,
      };
    }
    if (this.judged === 0) {
      return nothingJudged(input, {
        exercisedBy: words.exercisedBy,
        why: words.idle,
        summary: this.excused === 0 ? undefined : `not judged${excused}`,
        figures,
      });
    }
    return {
      valid: true,
      judged: this.judged,
      summary: words.ok(this.judged, measured.text) + excused,
      figures,
    };
  }
}
