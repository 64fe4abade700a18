import type { BuiltinChecker } from "./checker.ts";
import type { KeyLog } from "../history/key_log.ts";
import { KeyTimeline } from "../history/key_log.ts";
import type { MonitorNames } from "./transitions.ts";
import { MONITORING_NAMES, transitions } from "./transitions.ts";

/** Options of {@link statesAtRevisionChecker}. */
export interface StatesAtRevisionOptions {
  names?: MonitorNames;
  /** etcd's record of the heartbeat keys (relative key: the member), from the final reads. */
  log(final: unknown): KeyLog | null | undefined;
}

/** Evidence lists are cut here; the figures keep the full counts. */
const MAX_EVIDENCE = 50;

/**
 * Every member state a monitor reports at a revision, judged against etcd's
 * record of the heartbeats at that revision: `up` at r needs the member's
 * heartbeat key in etcd at r; `down` at r needs it gone at r, or put at r
 * under a new lease (its session was replaced). Reports without a revision
 * (a monitor that does not use them), or at revisions the record does not
 * cover, are not judged.
 */
export function statesAtRevisionChecker(o: StatesAtRevisionOptions): BuiltinChecker {
  const names = o.names ?? MONITORING_NAMES;
  return {
    name: "states-at-revision",
    description: "every up or down a monitor reports matches etcd's heartbeats at its revision",
    check({ history, final }) {
      const log = o.log(final);
      if (!log) {
        return {
          valid: "unknown",
          judged: 0,
          summary: "no key log of the heartbeats in the final reads",
        };
      }
      const tl = new KeyTimeline(log);
      const evidence: unknown[] = [];
      let judged = 0, wrong = 0;
      for (const t of transitions(history, names)) {
        const r = t.revision;
        if (r === undefined || !tl.covers(r)) continue;
        judged++;
        const kv = tl.at(r)!.get(t.member);
        const before = tl.covers(r - 1) ? tl.at(r - 1)!.get(t.member) : undefined;
        const replaced = kv !== undefined && kv.modRevision === r && before !== undefined &&
          before.lease !== kv.lease;
        const right = t.state === "up" ? kv !== undefined : kv === undefined || replaced;
        if (right) continue;
        wrong++;
        if (evidence.length >= MAX_EVIDENCE) continue;
        evidence.push({
          violation: t.state === "up"
            ? "reported up while etcd held no heartbeat of it at that revision"
            : "reported down while etcd held its heartbeat at that revision",
          member: t.member,
          monitor: `${t.monitor}#${t.incarnation}`,
          revision: r,
          etcd: kv ? { lease: kv.lease, modRevision: kv.modRevision } : null,
          report: { node: t.monitor, time: Math.round(t.time) },
        });
      }
      const figures = { judged, wrongStates: wrong };
      if (judged === 0) {
        return {
          valid: "unknown",
          judged,
          summary: "no report at a revision etcd's record covers",
          figures,
        };
      }
      if (wrong > 0) {
        const e = evidence[0] as { violation: string; member: string; revision: number };
        return {
          valid: false,
          judged,
          summary:
            `${wrong} of ${judged} reports contradict etcd at their revision (first: ${e.member} ${e.violation}, ${e.revision})`,
          evidence,
          figures,
        };
      }
      return {
        valid: true,
        judged,
        summary: `${judged} up/down reports, each matching etcd at its revision`,
        figures,
      };
    },
  };
}
