import type { BuiltinChecker, CheckInput, JudgedResult } from "../../../lib/checks/checker.ts";
import { nothingJudged } from "../../../lib/checks/checker.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import type { Operation } from "../../../lib/history/event.ts";
import { keysBelow, KeyTimeline } from "../../../lib/history/key_log.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";
import { disturbance } from "../../../lib/checks/disturbed.ts";
import { summarize } from "../../../lib/checks/stats.ts";

/** Options of {@link doubleBarrierCheckers}. */
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
const DISABLING = new Set(["kill-node", "kill-lease", "pause-node", "partition-node"]);

const roundOf = (o: Operation) =>
  (o.invoke.value as { round?: number } | undefined)?.round ??
    (o.complete?.value as { round?: number } | undefined)?.round;

/**
 * A double barrier of `count` participants, round by round:
 * - `enter-safety`: nobody enters a round before all `count` participants
 *   have tried to (from the history) and before etcd held `count`
 *   participant keys of the round (from etcd's history);
 * - `leave-safety`: nobody leaves while etcd still holds a participant key of the round;
 * - `barrier-liveness`: everybody passes within `boundMs` once it can: enter
 *   once the last participant arrived, leave once the last one left; rounds
 *   a fault touched are not judged here;
 * - `barrier-dead-participant` (the recipe's documented behaviour): a
 *   participant killed, revoked or cut off inside the barrier holds the
 *   others' leave at most until its lease expires (TTL + `releaseSlackMs`),
 *   or, if it restarts and re-joins the round first, until it leaves.
 */
export function doubleBarrierCheckers(o: DoubleBarrierOptions): BuiltinChecker[] {
  const prepare = (input: CheckInput) => {
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
  };
  /** When `count` distinct participants had invoked enter of the round (undefined: never). */
  const allArrived = (enters: Operation[]) => {
    const firstByNode = new Map<string, number>();
    for (const e of enters) {
      firstByNode.set(e.node, Math.min(firstByNode.get(e.node) ?? Infinity, e.invoke.time));
    }
    const times = [...firstByNode.values()].sort((a, b) => a - b);
    return times.length >= o.count ? times[o.count - 1] : undefined;
  };
  const verdict = (
    input: CheckInput,
    name: string,
    evidence: { violation: string }[],
    judged: number,
    ok: string,
    figures: Record<string, number | null>,
    idle = "nothing to judge",
    exercisedBy?: readonly string[],
  ): JudgedResult => {
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
  };

  const enterSafety: BuiltinChecker = {
    name: "enter-safety",
    description: "nobody enters a round before all participants have entered",
    check(input) {
      const { rounds, timeline } = prepare(input);
      const evidence: { violation: string }[] = [];
      let judged = 0;
      for (const [g, { enters }] of [...rounds].sort((a, b) => a[0] - b[0])) {
        const arrived = allArrived(enters);
        const sub = o.participantKeys(g);
        // The round is judged against etcd only if the log saw it from its first key on.
        const whole = timeline && keysBelow(timeline.states[0], sub).length === 0;
        for (const e of enters) {
          if (e.outcome !== "ok") continue;
          judged++;
          if (arrived === undefined || e.complete!.time < arrived) {
            evidence.push({
              violation: "entered before all participants arrived",
              round: g,
              node: e.node,
              incarnation: e.incarnation,
              arrived: enters.map((x) => ({ node: x.node, invoked: Math.round(x.invoke.time) })),
              events: [e.invoke, e.complete],
            } as { violation: string });
            continue;
          }
          const r = e.complete!.revision;
          if (!whole || r === undefined || !timeline!.covers(r)) continue;
          let most = 0;
          for (let i = 0; i < timeline!.revisions.length && timeline!.revisions[i] <= r; i++) {
            most = Math.max(most, keysBelow(timeline!.states[i], sub).length);
          }
          if (most < o.count) {
            evidence.push({
              violation: "entered before etcd held a key of every participant",
              round: g,
              node: e.node,
              incarnation: e.incarnation,
              revision: r,
              mostKeys: most,
              events: [e.invoke, e.complete],
            } as { violation: string });
          }
        }
      }
      return verdict(input, "enter-safety", evidence, judged, `${judged} enters, none early`, {
        judged,
        violations: evidence.length,
      });
    },
  };

  const leaveSafety: BuiltinChecker = {
    name: "leave-safety",
    description: "nobody leaves a round while a participant's key of it is still there",
    check(input) {
      const { rounds, timeline } = prepare(input);
      const evidence: { violation: string }[] = [];
      let judged = 0;
      if (!timeline) {
        return { valid: "unknown", judged: 0, summary: "no key log in the final reads" };
      }
      for (const [g, { leaves }] of rounds) {
        for (const l of leaves) {
          const r = l.complete?.revision;
          if (l.outcome !== "ok" || r === undefined || !timeline.covers(r)) continue;
          judged++;
          const left = keysBelow(timeline.at(r)!, o.participantKeys(g));
          if (left.length > 0) {
            evidence.push({
              violation: "left while participants were still inside",
              round: g,
              node: l.node,
              incarnation: l.incarnation,
              revision: r,
              inside: left.map((kv) => kv.key),
              events: [l.invoke, l.complete],
            } as { violation: string });
          }
        }
      }
      return verdict(input, "leave-safety", evidence, judged, `${judged} leaves, none early`, {
        judged,
        violations: evidence.length,
      });
    },
  };

  const liveness: BuiltinChecker = {
    name: "barrier-liveness",
    description:
      "everybody enters once all arrived and leaves once all left, within the bound (rounds without faults)",
    check(input) {
      const { rounds, windows, participants } = prepare(input);
      const evidence: { violation: string }[] = [];
      const enterMs: number[] = [], leaveMs: number[] = [];
      let excused = 0;
      for (const [g, { enters, leaves }] of rounds) {
        const arrived = allArrived(enters);
        if (arrived === undefined) continue;
        // The last to leave: every participant of the round asked to leave by then.
        const byNode = new Map<string, number>();
        for (const l of leaves) {
          byNode.set(l.node, Math.max(byNode.get(l.node) ?? 0, l.invoke.time));
        }
        const allLeft = [...new Set(enters.map((e) => e.node))].every((n) => byNode.has(n))
          ? Math.max(...byNode.values())
          : undefined;
        const judge = (x: Operation, from: number, sample: number[]) => {
          const due = from + o.boundMs;
          const end = x.complete?.time ?? Infinity;
          if (x.outcome === "ok" && end <= due) return void sample.push(Math.max(0, end - from));
          if (x.outcome !== "ok" && end <= due) return; // stopped, killed: before it was due
          if (
            disturbance(windows, from - o.boundMs, Math.min(end, due + 1), {
              nodes: participants,
              recoverMs: o.recoverMs,
            })
          ) return void excused++;
          evidence.push({
            violation: x.outcome === "ok" ? `${x.f} late` : `${x.f} never completed`,
            round: g,
            node: x.node,
            incarnation: x.incarnation,
            couldPassAt: Math.round(from),
            dueBy: Math.round(due),
            completed: Number.isFinite(end) ? Math.round(end) : null,
            outcome: x.outcome,
            events: [x.invoke, x.complete],
          } as { violation: string });
        };
        for (const e of enters) judge(e, Math.max(e.invoke.time, arrived), enterMs);
        if (allLeft !== undefined) {
          for (const l of leaves) judge(l, Math.max(l.invoke.time, allLeft), leaveMs);
        }
      }
      const judged = enterMs.length + leaveMs.length + evidence.length;
      return verdict(
        input,
        "barrier-liveness",
        evidence,
        judged,
        `${enterMs.length} enters and ${leaveMs.length} leaves within ${o.boundMs} ms, ${excused} excused by faults`,
        {
          judged,
          excused,
          violations: evidence.length,
          ...summarize("enterMs", enterMs),
          ...summarize("leaveMs", leaveMs),
        },
        "no round free of faults",
      );
    },
  };

  const dead: BuiltinChecker = {
    name: "barrier-dead-participant",
    exercise: { faults: [...DISABLING], role: o.role },
    description:
      "a participant that dies inside the barrier holds the others' leave at most until its lease expires (TTL + slack)",
    check(input) {
      const { rounds, windows, participants } = prepare(input);
      const evidence: { violation: string }[] = [];
      const releaseMs: number[] = [];
      for (const w of windows) {
        if (!DISABLING.has(w.fault)) continue;
        const lasting = w.fault === "kill-node" || w.fault === "kill-lease" ||
          w.stop - w.start > input.ttlMs;
        if (!lasting) continue;
        const p = w.targets[0];
        for (const [g, { enters, leaves }] of rounds) {
          // p was inside round g: entered it, and that incarnation had not asked to leave yet.
          const inside = enters.find((e) =>
            e.node === p && e.outcome === "ok" && e.complete!.time <= w.start &&
            !leaves.some((l) =>
              l.node === p && l.incarnation === e.incarnation && l.invoke.time <= w.start
            )
          );
          if (!inside) continue;
          let due = w.start + input.ttlMs + o.releaseSlackMs;
          // Re-joined before its old lease ran out: the others wait for the new incarnation.
          const rejoin = enters.find((e) =>
            e.node === p && e.incarnation > inside.incarnation && e.invoke.time <= due
          );
          if (rejoin) {
            const again = leaves.find((l) => l.node === p && l.incarnation === rejoin.incarnation);
            if (!again) continue;
            due = Math.max(due, again.invoke.time + o.boundMs);
          }
          for (const l of leaves) {
            if (l.node === p || l.invoke.time > due) continue;
            const end = l.complete?.time ?? Infinity;
            if (l.outcome === "ok" && end <= due) {
              releaseMs.push(Math.max(0, end - w.start));
              continue;
            }
            if (l.outcome !== "ok" && end <= due) continue;
            const other = disturbance(windows, w.start, Math.min(end, due + 1), {
              nodes: new Set([...participants].filter((n) => n !== p)),
              recoverMs: o.recoverMs,
              except: w.id,
            });
            if (other) continue;
            evidence.push({
              violation: "still held TTL + slack after a participant died inside the barrier",
              round: g,
              dead: {
                node: p,
                incarnation: inside.incarnation,
                fault: w.fault,
                at: Math.round(w.start),
              },
              node: l.node,
              incarnation: l.incarnation,
              dueBy: Math.round(due),
              completed: Number.isFinite(end) ? Math.round(end) : null,
              events: [l.invoke, l.complete],
            } as { violation: string });
          }
        }
      }
      const judged = releaseMs.length + evidence.length;
      return verdict(
        input,
        "barrier-dead-participant",
        evidence,
        judged,
        `${releaseMs.length} leave(s) released after a participant died inside, max ${
          summarize("r", releaseMs).r_max
        } ms`,
        { judged, violations: evidence.length, ...summarize("releaseMs", releaseMs) },
        "no participant died inside the barrier while others waited",
        [...DISABLING],
      );
    },
  };
  return [enterSafety, leaveSafety, liveness, dead];
}
