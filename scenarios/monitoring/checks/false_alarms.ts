import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import type { FaultWindow } from "../../../lib/history/event.ts";
import { lifetimes } from "../../../lib/checks/lifetimes.ts";
import type { MonitorNames } from "./transitions.ts";
import { MONITORING_NAMES, transitions } from "./transitions.ts";

/**
 * No false alarms: a member is reported down only while a fault hits it or
 * its lease, or within TTL + `slackMs` (default 1.5 s) after that fault heals
 * (its lease may run out just after), or after it deregistered on a graceful
 * stop. A monitor that is itself faulted, or a member fault, may delay the
 * report: the allowance then runs until TTL + `slackMs` after those heal too.
 */
export function falseAlarmChecker(
  o: { names?: MonitorNames; slackMs?: number } = {},
): BuiltinChecker {
  const names = o.names ?? MONITORING_NAMES;
  const slack = o.slackMs ?? 1500;
  return {
    name: "no-false-alarms",
    description: "a node is never reported down outside a window where a fault hit it or its lease",
    check({ history, ttlMs }) {
      const after = ttlMs + slack;
      const lives = lifetimes(history);
      const allNodes = new Set(lives.map((l) => l.node));
      const windows = faultWindows(history);
      const left = operations(history).filter((x) => x.f === names.deregister);
      const reports = transitions(history, names);
      const downs = reports.filter((x) => x.state === "down");
      const alarms: unknown[] = [];
      for (const d of downs) {
        if (left.some((x) => x.node === d.member && x.invoke.time <= d.time)) continue;
        const excuse = windows.find((w) =>
          w.targets.includes(d.member) && w.start <= d.time &&
          d.time <= allowance(w, windows, allNodes, d.monitor, after)
        );
        if (!excuse) {
          alarms.push({
            violation: "reported down with no fault on it",
            member: d.member,
            monitor: d.monitor,
            time: Math.round(d.time),
            revision: d.revision ?? null,
          });
        }
      }
      // Judged: every state a monitor reported (an up is a report of no alarm).
      const figures = { reports: reports.length, downs: downs.length, falseAlarms: alarms.length };
      return alarms.length > 0
        ? {
          valid: false,
          judged: reports.length,
          summary: `${alarms.length} false alarm(s) among ${downs.length} down report(s)`,
          evidence: alarms,
          figures,
        }
        : {
          valid: true,
          judged: reports.length,
          summary: `${downs.length} down report(s), each during or just after a fault on the node`,
          figures,
        };
    },
  };
}

/** Until when a down report is explained by fault `w`: its heal + `after`, stretched by monitor and member faults. */
function allowance(
  w: FaultWindow,
  windows: readonly FaultWindow[],
  nodes: ReadonlySet<string>,
  monitor: string,
  after: number,
): number {
  let until = w.stop + after;
  for (let changed = true; changed;) {
    changed = false;
    for (const x of windows) {
      const delays = x.targets.includes(monitor) || !x.targets.every((t) => nodes.has(t));
      if (delays && x.start <= until && x.stop >= w.start && x.stop + after > until) {
        until = x.stop + after;
        changed = true;
      }
    }
  }
  return until;
}
