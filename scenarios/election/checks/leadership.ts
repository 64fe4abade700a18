import type { BuiltinChecker, CheckInput, JudgedResult } from "../../../lib/checks/checker.ts";
import { nothingJudged } from "../../../lib/checks/checker.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import type { Operation } from "../../../lib/history/event.ts";
import { KeyTimeline } from "../../../lib/history/key_log.ts";
import type { KeyLog, KeyState } from "../../../lib/history/key_log.ts";
import { disturbance } from "../../../lib/checks/disturbed.ts";
import { summarize } from "../../../lib/checks/stats.ts";

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

interface Claim {
  op: Operation;
  identity: string;
  token?: number;
  revision: number;
}

/** etcd's leader in a state: the key created first. */
function leaderIn(state: KeyState): LeaderLook | null {
  let first: LeaderLook | null = null;
  for (const kv of state.values()) {
    if (!first || kv.createRevision < first.createRevision) {
      first = { identity: kv.value, createRevision: kv.createRevision };
    }
  }
  return first;
}

const num = (x: unknown) => typeof x === "number" ? x : undefined;

/**
 * Leader election, judged against etcd: the key log of the election keys
 * where it covers the revision, and otherwise the looks taken next to every
 * leader-only write (the leader's token never decreases with the revision,
 * so a look contradicts any claim that would make it decrease).
 * - `one-leader`: every claim of leadership names etcd's leader at its
 *   revision, and no two leaders' acknowledged acts interleave in revision order;
 * - `leader-only-writes`: every accepted leader-only write came from etcd's
 *   leader at its revision (a deposed leader's writes are rejected);
 * - `observer-order`: observers see leaders in etcd's order, never one that was not;
 * - `resign-handover`: after a resign, a waiting candidate leads within `handoverMs`.
 */
export function leadershipCheckers(o: LeadershipOptions): BuiltinChecker[] {
  const prepare = (input: CheckInput) => {
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
  };
  const verdict = (
    input: CheckInput,
    evidence: { violation: string }[],
    judged: number,
    ok: string,
    figures: Record<string, number | null>,
    idle = "nothing to judge",
  ): JudgedResult => {
    if (evidence.length > 0) {
      const kinds = [...new Set(evidence.map((e) => e.violation))].join("; ");
      return { valid: false, judged, summary: `${evidence.length} × ${kinds}`, evidence, figures };
    }
    if (judged === 0) return nothingJudged(input, { why: idle, figures });
    return { valid: true, judged, summary: ok, figures };
  };

  const oneLeader: BuiltinChecker = {
    name: "one-leader",
    description:
      "at most one leader at any revision: claims match etcd's leader, leaders' acts never interleave",
    check(input) {
      const { ops, claims, truthAt, contradiction } = prepare(input);
      const evidence: { violation: string }[] = [];
      for (const c of claims) {
        const truth = truthAt(c.revision);
        const wrong = truth !== undefined
          ? truth === null || truth.identity !== c.identity ||
            (c.token !== undefined && truth.createRevision !== c.token)
          : c.token !== undefined && contradiction(c.revision, c.token) !== undefined;
        if (wrong) {
          evidence.push({
            violation: "claimed to lead while etcd's leader was another",
            node: c.op.node,
            incarnation: c.op.incarnation,
            identity: c.identity,
            token: c.token,
            revision: c.revision,
            etcdLeader: truth ?? contradiction(c.revision, c.token!),
            events: [c.op.invoke, c.op.complete],
          } as { violation: string });
        }
      }
      // Each claim's tenure: from its revision to its last acknowledged leader-only write before
      // the next campaign (a resign ends a tenure: its delete is not an act while leading).
      const tenures = claims.map((c) => {
        const next = ops.find((x) =>
          x.f === o.campaign && x.node === c.op.node && x.incarnation === c.op.incarnation &&
          x.invoke.time > c.op.invoke.time
        );
        const acts = ops.filter((x) =>
          x.f === o.write && x.outcome === "ok" &&
          x.node === c.op.node && x.incarnation === c.op.incarnation &&
          x.invoke.time > c.op.complete!.time && (!next || x.invoke.time < next.invoke.time) &&
          x.complete?.revision !== undefined
        );
        const last = acts.reduce(
          (m, x) => (x.complete!.revision! > m.complete!.revision! ? x : m),
          c.op,
        );
        return { claim: c, from: c.revision, to: last.complete!.revision!, last };
      }).sort((a, b) => a.from - b.from);
      let widest = tenures[0];
      for (const t of tenures.slice(1)) {
        if (widest && t.from <= widest.to) {
          const same = t.claim.identity === widest.claim.identity &&
            t.claim.token === widest.claim.token;
          if (!same) {
            evidence.push({
              violation: "two leaders acted at once",
              first: {
                node: widest.claim.op.node,
                identity: widest.claim.identity,
                ledFrom: widest.from,
                lastActAt: widest.to,
              },
              second: {
                node: t.claim.op.node,
                identity: t.claim.identity,
                ledFrom: t.from,
                lastActAt: t.to,
              },
              events: [
                widest.last.invoke,
                widest.last.complete,
                t.claim.op.invoke,
                t.claim.op.complete,
              ],
            } as { violation: string });
          }
        }
        if (!widest || t.to > widest.to) widest = t;
      }
      return verdict(input, evidence, claims.length, `${claims.length} leaders, one at a time`, {
        leaders: claims.length,
        violations: evidence.length,
      });
    },
  };

  const writes: BuiltinChecker = {
    name: "leader-only-writes",
    description: "every accepted leader-only write came from etcd's leader at its revision",
    check(input) {
      const { ops } = prepare(input);
      const evidence: { violation: string }[] = [];
      let accepted = 0, rejected = 0;
      for (const w of ops) {
        if (w.f !== o.write) continue;
        if (w.outcome === "fail") rejected++;
        if (w.outcome !== "ok") continue;
        accepted++;
        const v = w.complete!.value as WriteValue;
        const leader = v.leader;
        const token = num(v.token);
        if (
          !leader || leader.identity !== v.identity ||
          (token !== undefined && leader.createRevision !== token)
        ) {
          evidence.push({
            violation: "a write accepted from a node that was not the leader",
            node: w.node,
            incarnation: w.incarnation,
            writer: v.identity,
            token,
            revision: w.complete!.revision,
            etcdLeader: leader,
            events: [w.invoke, w.complete],
          } as { violation: string });
        }
      }
      // etcd's record of the written key settles the writes of unknown outcome: every put it
      // holds must come from etcd's leader at that revision, whoever's answer was lost.
      const work = o.workLog?.(input.final);
      const { timeline } = prepare(input);
      let recorded = 0;
      if (work && timeline) {
        for (const e of work.events) {
          if (e.type !== "put" || !timeline.covers(e.revision)) continue;
          recorded++;
          const writer = (() => {
            try {
              return String(JSON.parse(e.value ?? "{}").identity);
            } catch {
              return undefined;
            }
          })();
          const leader = leaderIn(timeline.at(e.revision)!);
          if (writer !== undefined && leader?.identity !== writer) {
            evidence.push({
              violation:
                "etcd's record holds a leader-only write from a node that was not the leader",
              writer,
              revision: e.revision,
              etcdLeader: leader,
            } as { violation: string });
          }
        }
      }
      return verdict(
        input,
        evidence,
        accepted + recorded,
        `${accepted} writes, each from the leader of its revision; ${rejected} rejected` +
          (work ? `; ${recorded} in etcd's record, each the leader's` : ""),
        { accepted, rejected, recorded: work ? recorded : null, violations: evidence.length },
      );
    },
  };

  const observers: BuiltinChecker = {
    name: "observer-order",
    description: "observers see leaders in etcd's order, never a leader that was not",
    check(input) {
      const { ops, claims, timeline, truthAt, contradiction, looks } = prepare(input);
      const evidence: { violation: string }[] = [];
      // Every leader etcd is known to have had, in order: from the log, the looks and the verified claims.
      const known = new Map<number, string>();
      if (timeline) {
        for (const s of timeline.states) {
          const l = leaderIn(s);
          if (l) known.set(l.createRevision, l.identity);
        }
      }
      for (const l of looks) if (l.leader) known.set(l.leader.createRevision, l.leader.identity);
      for (const c of claims) {
        const t = truthAt(c.revision);
        if (t) known.set(t.createRevision, t.identity);
      }
      const sequence = [...known].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
      const complete = timeline?.from === 1;
      const byObserver = new Map<string, Operation[]>();
      for (const x of ops) {
        if (x.f !== o.observe || x.outcome !== "ok") continue;
        const k = `${x.node}#${x.incarnation}`;
        byObserver.set(k, [...(byObserver.get(k) ?? []), x]);
      }
      let seen = 0;
      for (const [who, list] of byObserver) {
        let lastRevision = 0, lastToken = 0, at = 0;
        for (const x of list) {
          seen++;
          const v = x.complete!.value as { leader: string | null; token?: number | null };
          const r = x.complete!.revision;
          const token = num(v.token);
          const bad = (violation: string, extra: Record<string, unknown> = {}) =>
            evidence.push({
              violation,
              observer: who,
              leader: v.leader,
              token,
              revision: r,
              ...extra,
              events: [x.complete],
            } as { violation: string });
          if (r !== undefined) {
            if (r < lastRevision) bad("went back in revision", { previous: lastRevision });
            lastRevision = Math.max(lastRevision, r);
          }
          if (v.leader === null) continue;
          if (token !== undefined) {
            if (token <= lastToken) {
              bad("leaders out of etcd's order", { previousToken: lastToken });
            }
            lastToken = Math.max(lastToken, token);
          }
          const truth = r !== undefined ? truthAt(r) : undefined;
          if (truth !== undefined) {
            if (
              truth === null || truth.identity !== v.leader ||
              (token !== undefined && truth.createRevision !== token)
            ) bad("saw a leader etcd did not have at that revision", { etcdLeader: truth });
            continue;
          }
          if (r !== undefined && token !== undefined) {
            const c = contradiction(r, token);
            if (c) bad("saw a leader etcd did not have at that revision", { etcdLook: c });
            continue;
          }
          // No revision: the observed leaders must follow etcd's sequence of leaders.
          const i = sequence.indexOf(v.leader, at);
          if (i >= 0) at = i;
          else if (complete) {
            bad(
              sequence.includes(v.leader)
                ? "leaders out of etcd's order"
                : "saw a leader that never was",
            );
          }
        }
      }
      return verdict(
        input,
        evidence,
        seen,
        `${byObserver.size} observers, ${seen} leader changes, all in etcd's order`,
        {
          observers: byObserver.size,
          observed: seen,
          violations: evidence.length,
        },
      );
    },
  };

  const handover: BuiltinChecker = {
    name: "resign-handover",
    description: "after a resign, a waiting candidate leads at once (within the bound)",
    check(input) {
      const { ops, windows } = prepare(input);
      const candidates = new Set(ops.filter((x) => x.f === o.campaign).map((x) => x.node));
      const campaigns = ops.filter((x) => x.f === o.campaign);
      const evidence: { violation: string }[] = [];
      const latencies: number[] = [];
      const end = input.history.reduce((m, e) => Math.max(m, e.time), 0);
      for (const r of ops) {
        if (r.f !== o.resign || r.outcome !== "ok") continue;
        const t = r.complete!.time;
        const waiting = campaigns.some((c) =>
          c.node !== r.node && c.invoke.time < r.invoke.time && (c.complete?.time ?? Infinity) > t
        );
        if (!waiting) continue;
        const due = t + o.handoverMs;
        if (due > end) continue;
        const next = campaigns.filter((c) =>
          c.outcome === "ok" && c.node !== r.node && c.complete!.time >= r.invoke.time
        ).sort((a, b) =>
          a.complete!.time - b.complete!.time
        )[0];
        const took = next ? next.complete!.time - t : Infinity;
        if (took <= o.handoverMs) {
          latencies.push(Math.max(0, took));
          continue;
        }
        if (
          disturbance(windows, r.invoke.time, Math.min(t + took, due + 1), {
            nodes: candidates,
            recoverMs: o.recoverMs,
          })
        ) continue;
        evidence.push({
          violation: "no hand-over at resign",
          node: r.node,
          resignedAt: Math.round(t),
          nextLeader: next ? { node: next.node, at: Math.round(next.complete!.time) } : null,
          tookMs: Number.isFinite(took) ? Math.round(took) : null,
          boundMs: o.handoverMs,
          events: [r.invoke, r.complete, next?.complete].filter(Boolean),
        } as { violation: string });
      }
      return verdict(
        input,
        evidence,
        latencies.length + evidence.length,
        `${latencies.length} hand-overs at resign, max ${summarize("h", latencies).h_max} ms`,
        { judged: latencies.length + evidence.length, ...summarize("handoverMs", latencies) },
        "no resign with a candidate waiting and no fault near it",
      );
    },
  };
  return [oneLeader, writes, observers, handover];
}
