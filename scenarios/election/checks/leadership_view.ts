/** What the leadership checks share: the run as they read it, and how a check turns evidence into a verdict. */
import type { CheckInput, JudgedResult } from "../../../lib/checks/checker.ts";
import { nothingJudged } from "../../../lib/checks/checker.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import type { Operation } from "../../../lib/history/event.ts";
import { KeyTimeline } from "../../../lib/history/key_log.ts";
import type { KeyLog, KeyState } from "../../../lib/history/key_log.ts";

/** A leader as etcd (or a look next to a write) showed it: the key's value and create revision. */
export interface LeaderLook {
  identity: string;
  createRevision: number;
}

/** The value of a leader-only write: who wrote, under which token, and etcd's leader at its revision. */
export interface WriteValue {
  identity: string;
  token?: number | null;
  leader: LeaderLook | null;
}

/** Options of {@link leadershipCheckers}. */
export interface LeadershipOptions {
  /** Operation names. */
  campaign: string;
  write: string;
  resign: string;
  observe: string;
  /** How soon after a resign another waiting candidate must lead, ms. */
  handoverMs: number;
  /** How long fault effects may last after the fault healed, ms. */
  recoverMs: number;
  /** The key log of the election keys (relative keys are the candidates' keys). */
  log(final: unknown): KeyLog | undefined;
  /**
   * etcd's record of the key the leader-only writes put (values `{ identity }`), where
   * read: it settles writes of unknown outcome, every put it holds is judged.
   */
  workLog?(final: unknown): KeyLog | undefined;
}

export interface Claim {
  op: Operation;
  identity: string;
  token?: number;
  revision: number;
}

/** etcd's leader in a state: the key created first. */
export function leaderIn(state: KeyState): LeaderLook | null {
  let first: LeaderLook | null = null;
  for (const kv of state.values()) {
    if (!first || kv.createRevision < first.createRevision) {
      first = { identity: kv.value, createRevision: kv.createRevision };
    }
  }
  return first;
}

/** A number, or undefined for anything else. */
export const num = (x: unknown) => typeof x === "number" ? x : undefined;

/** What every leadership check reads from a run: its operations, claims, looks and etcd's leader at a revision. */
export function prepareLeadership(o: LeadershipOptions, input: CheckInput) {
  const ops = operations(input.history);
  const log = o.log(input.final);
  const timeline = log ? new KeyTimeline(log) : undefined;
  // Looks taken in the same transaction as each write: etcd's leader at that revision.
  const looks: { revision: number; leader: LeaderLook | null }[] = [];
  for (const w of ops) {
    const v = w.complete?.value as WriteValue | undefined;
    if (w.f === o.write && w.outcome !== "info" && v && "leader" in v) {
      looks.push({ revision: w.complete!.revision!, leader: v.leader });
    }
  }
  const claims: Claim[] = ops.filter((x) => x.f === o.campaign && x.outcome === "ok")
    .map((x) => {
      const v = x.complete!.value as { identity: string; token?: number | null };
      return {
        op: x,
        identity: v.identity,
        token: num(v.token),
        revision: x.complete!.revision!,
      };
    });
  const truthAt = (r: number): LeaderLook | null | undefined =>
    timeline?.covers(r) ? leaderIn(timeline.at(r)!) : undefined;
  /** A look that contradicts "token T led at revision r" (the token never decreases). */
  const contradiction = (r: number, token: number) =>
    looks.find((l) =>
      l.leader !== null &&
      ((l.revision <= r && l.leader.createRevision > token) ||
        (l.revision >= r && l.leader.createRevision < token))
    );
  return {
    ops,
    timeline,
    looks,
    claims,
    truthAt,
    contradiction,
    windows: faultWindows(input.history),
  };
}

/** A leadership check's result: invalid with the evidence, unknown when it judged nothing, else valid. */
export function leadershipVerdict(
  input: CheckInput,
  evidence: { violation: string }[],
  judged: number,
  ok: string,
  figures: Record<string, number | null>,
  idle = "nothing to judge",
): JudgedResult {
  if (evidence.length > 0) {
    const kinds = [...new Set(evidence.map((e) => e.violation))].join("; ");
    return { valid: false, judged, summary: `${evidence.length} × ${kinds}`, evidence, figures };
  }
  if (judged === 0) return nothingJudged(input, { why: idle, figures });
  return { valid: true, judged, summary: ok, figures };
}
