import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { DeadlineTally } from "../../../lib/checks/deadline.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import { aliveAt, clusterFaults, faultsOn, lifetimes } from "../../../lib/checks/lifetimes.ts";
import { EXPIRING, mustExpire } from "../../../lib/checks/removal.ts";
import type { MonitorNames } from "./transitions.ts";
import { MONITORING_NAMES, transitions } from "./transitions.ts";

/**
 * Detection: a killed node, or one paused or cut off from etcd past the
 * deadline, is reported down by every monitor within TTL + `slackMs`
 * (default 1.5 s) of the fault. Judged for members that were heartbeating
 * (registered, their lease not just lost to another fault), whatever the
 * monitor believed at that moment (a lagging monitor must still report the
 * death), with the monitor itself unfaulted and no member fault overlapping
 * (a leader change renews every lease).
 */
export function detectionChecker(
  o: { names?: MonitorNames; slackMs?: number } = {},
): BuiltinChecker {
  const names = o.names ?? MONITORING_NAMES;
  const slack = o.slackMs ?? 1500;
  return {
    name: "detection",
    exercise: { faults: EXPIRING, role: names.member },
    description: "a killed, paused or cut-off node is reported down within TTL + 1.5 s",
    check(input) {
      const { history, ttlMs } = input;
      const bound = ttlMs + slack;
      const lives = lifetimes(history);
      const allNodes = new Set(lives.map((l) => l.node));
      const monitors = [
        ...new Set(lives.filter((l) => l.role === names.monitor).map((l) => l.node)),
      ];
      const ops = operations(history);
      const reports = transitions(history, names);
      const end = history.reduce((m, e) => Math.max(m, e.time), 0);
      const windows = faultWindows(history);
      const tally = new DeadlineTally({ figure: "detectionMs", boundMs: bound, history });
      for (const w of windows) {
        if (w.targets.length !== 1 || !mustExpire(w, bound)) continue;
        const target = aliveAt(lives, w.targets[0], w.start);
        if (!target || target.role !== names.member) continue;
        // Judged when the member was heartbeating: registered, and not losing its lease to another fault.
        const mine = ops.filter((x) =>
          x.node === target.node && x.incarnation === target.incarnation
        );
        const registered = mine.filter((x) =>
          x.f === names.register && x.outcome === "ok" && x.complete!.time <= w.start
        ).at(-1);
        if (!registered) continue;
        const lost = mine.some((x) =>
          x.f === names.lost && x.invoke.time >= registered.complete!.time &&
          x.invoke.time <= w.start
        );
        if (lost) continue;
        const deadline = w.start + bound;
        if (deadline > end) continue;
        // Another fault on this incarnation just before (a kill of the one before does not count).
        const before = faultsOn(windows, target.node, w.start - bound, w.start)
          .filter((x) => x.id !== w.id && x.start >= target.start);
        if (before.length > 0 || clusterFaults(windows, allNodes, w.start, deadline).length > 0) {
          tally.skip();
          continue;
        }
        for (const monitor of monitors) {
          const life = aliveAt(lives, monitor, w.start);
          if (!life || life.end < deadline) continue;
          if (faultsOn(windows, monitor, w.start, deadline).length > 0) {
            tally.skip();
            continue;
          }
          const down = reports.find((x) =>
            x.monitor === monitor && x.incarnation === life.incarnation &&
            x.member === target.node && x.state === "down" && x.time >= w.start
          );
          tally.judge(down ? down.time - w.start : undefined, {
            fault: w,
            member: target.node,
            monitor,
            reportedDownAt: down ? Math.round(down.time) : null,
            report: down ? { node: monitor, time: Math.round(down.time) } : null,
          }, w.start);
        }
      }
      return tally.result(input, {
        exercisedBy: EXPIRING,
        idle: "no member died in a window free of monitor and member faults",
        late: (n, text) => `${n} failure(s) not reported down within TTL + ${slack} ms (${text})`,
        ok: (n, text) => `${n} failure(s) reported down within TTL + ${slack} ms: ${text}`,
      });
    },
  };
}
