import type { CheckInput, JudgedResult } from "./checker.ts";
import { nothingJudged } from "./checker.ts";
import { latency } from "./latency.ts";

/** Options of {@link DeadlineTally}. */
export interface DeadlineOptions {
  /** Name of the latency figures (`detectionMs` gives `detectionMs_median`, …). */
  figure: string;
  /** How long a wait may take, ms. */
  boundMs: number;
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

  constructor(readonly o: DeadlineOptions) {}

  /**
   * Judges one wait that took `latencyMs` (undefined: it never ended) and
   * returns whether it was late; a late one is recorded as evidence with its
   * latency and the bound.
   */
  judge(latencyMs: number | undefined, evidence: Record<string, unknown>): boolean {
    this.judged++;
    if (latencyMs !== undefined) this.latencies.push(latencyMs);
    const late = latencyMs === undefined || latencyMs > this.o.boundMs;
    if (late) {
      this.late.push({
        ...evidence,
        latencyMs: latencyMs === undefined ? null : Math.round(latencyMs),
        boundMs: Math.round(this.o.boundMs),
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
    };
    if (this.late.length + extra.evidence.length > 0) {
      return {
        valid: false,
        judged: this.judged,
        summary: this.late.length > 0 ? words.late(this.late.length, measured.text) : extra.summary,
        evidence: [...this.late, ...extra.evidence],
        figures,
      };
    }
    if (this.judged === 0) {
      return nothingJudged(input, { exercisedBy: words.exercisedBy, why: words.idle, figures });
    }
    return {
      valid: true,
      judged: this.judged,
      summary: words.ok(this.judged, measured.text),
      figures,
    };
  }
}
