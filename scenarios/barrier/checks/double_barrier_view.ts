/** What the double-barrier checks share: the run as they read them, and how a check turns evidence into a verdict. */
import type { CheckInput, JudgedResult } from "../../../lib/checks/checker.ts";
import { nothingJudged } from "../../../lib/checks/checker.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import type { Operation } from "../../../lib/history/event.ts";
import { KeyTimeline } from "../../../lib/history/key_log.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";

/** Options of the double-barrier checks (double_barrier.ts). */
export interface DoubleBarrierOptions {
  /** Operation names; each carries `{ round }` as its invocation value. */
  enter: string;
  leave: string;
  /** Participants per round. */
  count: number;
  /** The participants' role, which faults must hit to exercise `barrier-dead-participant`. */
  role?: string;
  /** Where a round's participant keys live in the key log (relative keys). */
  participantKeys(round: number): string;
  /** How soon a participant must pass once it can, ms. */
  boundMs: number;
  /** How long after its lease should expire a dead participant may still hold the others, ms. */
  releaseSlackMs: number;
  /** How long fault effects may last after the fault healed, ms. */
  recoverMs: number;
  log(final: unknown): KeyLog | undefined;
}

/** Faults after which a participant can no longer leave by itself: its lease must release it. */
export const DISABLING = new Set(["kill-node", "kill-lease", "pause-node", "partition-node"]);

/** The round an enter or leave is for. */
export const roundOf = (o: Operation) =>
  (o.invoke.value as { round?: number } | undefined)?.round ??
    (o.complete?.value as { round?: number } | undefined)?.round;

/** What every double-barrier check reads from a run: the rounds' enters and leaves, the participants, fault windows and etcd's record. */
export function prepareDoubleBarrier(o: DoubleBarrierOptions, input: CheckInput) {
  const ops = operations(input.history);
  const rounds = new Map<number, { enters: Operation[]; leaves: Operation[] }>();
  for (const x of ops) {
    if (x.f !== o.enter && x.f !== o.leave) continue;
    const g = roundOf(x);
    if (g === undefined) continue;
    if (!rounds.has(g)) rounds.set(g, { enters: [], leaves: [] });
    (x.f === o.enter ? rounds.get(g)!.enters : rounds.get(g)!.leaves).push(x);
  }
  const participants = new Set(
    ops.filter((x) => x.f === o.enter || x.f === o.leave).map((x) => x.node),
  );
  const log = o.log(input.final);
  return {
    rounds,
    participants,
    windows: faultWindows(input.history),
    timeline: log ? new KeyTimeline(log) : undefined,
  };
}

/** When `count` distinct participants had invoked enter of the round (undefined: never). */
export function allArrived(o: DoubleBarrierOptions, enters: Operation[]): number | undefined {
  const firstByNode = new Map<string, number>();
  for (const e of enters) {
    firstByNode.set(e.node, Math.min(firstByNode.get(e.node) ?? Infinity, e.invoke.time));
  }
  const times = [...firstByNode.values()].sort((a, b) => a - b);
  return times.length >= o.count ? times[o.count - 1] : undefined;
}

/** A double-barrier check's result: invalid with the evidence, unknown or n/a when it judged nothing, else valid. */
export function barrierVerdict(
  input: CheckInput,
  name: string,
  evidence: { violation: string }[],
  judged: number,
  ok: string,
  figures: Record<string, number | null>,
  idle = "nothing to judge",
  exercisedBy?: readonly string[],
): JudgedResult {
  if (evidence.length > 0) {
    const kinds = [...new Set(evidence.map((e) => e.violation))].join(", ");
    return {
      valid: false,
      judged,
      summary: `${evidence.length} violation(s) of ${name}: ${kinds}`,
      evidence,
      figures,
    };
  }
  // Nothing judged is never valid: unknown, or n/a when no planned fault could exercise it.
  if (judged === 0) return nothingJudged(input, { why: idle, figures, exercisedBy });
  return { valid: true, judged, summary: ok, figures };
}
