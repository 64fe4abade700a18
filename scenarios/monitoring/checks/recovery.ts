import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { DeadlineTally } from "../../../lib/checks/deadline.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import {
  aliveAt,
  clusterFaults,
  faultsOn,
  lifetimes,
  phaseTime,
} from "../../../lib/checks/lifetimes.ts";
import type { MonitorNames } from "./transitions.ts";
import { MONITORING_NAMES, stateAt, transitions } from "./transitions.ts";

/** Faults after which a member may be reported down, and then must come back. */
const RECOVERING = ["kill-node", "pause-node", "partition-node", "kill-lease"];

/**
 * Recovery: a member reported down during a fault is reported up again
 * within one heartbeat interval (TTL / 3) + `slackMs` (default 1 s) of being
 * able to heartbeat again: the heal, or for a killed node the first act of
 * its next incarnation (process start-up is not the monitor's latency), or
 * the down report itself if that came later. Windows that other faults on
 * the member or the monitor, or member faults, overlap are not judged. And
 * at the end (before the graceful stop) every monitor reports every member
 * up.
 */
export function recoveryChecker(
  o: { names?: MonitorNames; slackMs?: number } = {},
): BuiltinChecker {
  const names = o.names ?? MONITORING_NAMES;
  const slack = o.slackMs ?? 1000;
  return {
    name: "recovery",
    exercise: { faults: RECOVERING, role: names.member },
    description: "a node reported down is reported up again within the heartbeat interval + 1 s",
    check(input) {
      const { history, ttlMs } = input;
      const bound = ttlMs / 3 + slack;
      const lives = lifetimes(history);
      const allNodes = new Set(lives.map((l) => l.node));
      const monitors = [
        ...new Set(lives.filter((l) => l.role === names.monitor).map((l) => l.node)),
      ];
      const members = [...new Set(lives.filter((l) => l.role === names.member).map((l) => l.node))];
      const ops = operations(history);
      const reports = transitions(history, names);
      const end = history.reduce((m, e) => Math.max(m, e.time), 0);
      const windows = faultWindows(history);
      const tally = new DeadlineTally({ figure: "recoveryMs", boundMs: bound, history });
      for (const w of windows) {
        if (w.targets.length !== 1) continue;
        const target = aliveAt(lives, w.targets[0], w.start);
        if (!target || target.role !== names.member) continue;
        let back = w.fault === "kill-lease" ? w.start : w.stop;
        if (w.fault === "kill-node") {
          const next = ops.find((x) =>
            x.node === target.node && x.incarnation > target.incarnation
          );
          if (!next) continue;
          back = Math.max(back, next.invoke.time);
        }
        for (const monitor of monitors) {
          const life = aliveAt(lives, monitor, w.start);
          if (!life) continue;
          const down = reports.find((x) =>
            x.monitor === monitor && x.incarnation === life.incarnation &&
            x.member === target.node && x.state === "down" &&
            x.time >= w.start && x.time <= w.stop + ttlMs + 1500
          );
          if (!down) continue;
          const from = Math.max(back, down.time);
          const deadline = from + bound;
          if (deadline > end || life.end < deadline) continue;
          const others = [
            ...faultsOn(windows, target.node, w.start, deadline).filter((x) => x.id !== w.id),
            ...faultsOn(windows, monitor, w.start, deadline),
            ...clusterFaults(windows, allNodes, w.start, deadline),
          ];
          if (others.length > 0) {
            tally.skip();
            continue;
          }
          const up = reports.find((x) =>
            x.monitor === monitor && x.incarnation === life.incarnation &&
            x.member === target.node && x.state === "up" && x.time >= down.time
          );
          tally.judge(up ? Math.max(0, up.time - from) : undefined, {
            fault: w,
            member: target.node,
            monitor,
            downAt: Math.round(down.time),
            backAt: Math.round(back),
            upAt: up ? Math.round(up.time) : null,
            report: up ? { node: monitor, time: Math.round(up.time) } : null,
          }, from);
        }
      }
      // At the end: the state just before the first graceful stop.
      const quiesce = phaseTime(history, "quiesce");
      const stopAt = Math.min(
        phaseTime(history, "final") ?? end,
        ...ops.filter((x) => x.f === names.deregister).map((x) => x.invoke.time),
      );
      const unrecovered: unknown[] = [];
      if (quiesce !== undefined) {
        for (const monitor of monitors) {
          const life = aliveAt(lives, monitor, stopAt - 1);
          if (!life) continue;
          const state = stateAt(reports, monitor, life.incarnation, stopAt - 1);
          for (const m of members) {
            if (state.get(m) !== "up") {
              unrecovered.push({
                violation: "not reported up at the end",
                member: m,
                monitor,
                state: state.get(m) ?? "never reported",
              });
            }
          }
        }
      }
      const ending = quiesce === undefined
        ? "no quiesce phase to judge the end by"
        : "every member up at the end";
      return tally.result(input, {
        exercisedBy: RECOVERING,
        idle: `no recovery in a window free of other faults (${ending})`,
        late: (n, text) =>
          `${n} recover(y/ies) not reported within ${Math.round(bound)} ms (${text})`,
        ok: (n, text) =>
          `${n} recover(y/ies) reported within ${Math.round(bound)} ms: ${text}; ${ending}`,
      }, {
        evidence: unrecovered,
        summary: `${unrecovered.length} member(s) not reported up at the end`,
      });
    },
  };
}
