import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import type { KeyLog } from "../../../lib/history/key_log.ts";
import { KeyTimeline } from "../../../lib/history/key_log.ts";
import type { MonitorNames } from "./transitions.ts";
import { MONITORING_NAMES, transitions } from "./transitions.ts";
import {
  atRevisionVerdict,
  MAX_AT_REVISION_EVIDENCE,
  noKeyLog,
} from "../../../lib/checks/at_revision.ts";

/** Options of {@link statesAtRevisionChecker}. */
export interface StatesAtRevisionOptions {
  names?: MonitorNames;
  /** etcd's record of the heartbeat keys (relative key: the member), from the final reads. */
  log(final: unknown): KeyLog | null | undefined;
}

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
      if (!log) return noKeyLog("the heartbeats");
      const tl = new KeyTimeline(log);
      const evidence: unknown[] = [];
      let judged = 0, wrong = 0;
      let first: string | undefined;
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
        const violation = t.state === "up"
          ? "reported up while etcd held no heartbeat of it at that revision"
          : "reported down while etcd held its heartbeat at that revision";
        first ??= `${t.member} ${violation}, ${r}`;
        if (evidence.length >= MAX_AT_REVISION_EVIDENCE) continue;
        evidence.push({
          violation,
          member: t.member,
          monitor: `${t.monitor}#${t.incarnation}`,
          revision: r,
          etcd: kv ? { lease: kv.lease, modRevision: kv.modRevision } : null,
          report: { node: t.monitor, time: Math.round(t.time) },
        });
      }
      return atRevisionVerdict({
        judged,
        wrong,
        evidence,
        first,
        what: "up/down reports",
        figures: { judged, wrongStates: wrong },
        valid: `${judged} up/down reports, each matching etcd at its revision`,
      });
    },
  };
}
