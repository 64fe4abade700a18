import type { Checker } from "./checker.ts";
import { faultWindows, operations } from "../history/event.ts";
import { aliveAt, clusterFaults, faultsOn, lifetimes, phaseTime } from "./lifetimes.ts";
import { latency } from "./latency.ts";
import type { MonitorNames } from "./transitions.ts";
import { MONITORING_NAMES, stateAt, transitions } from "./transitions.ts";

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
export function recoveryChecker(o: { names?: MonitorNames; slackMs?: number } = {}): Checker {
  const names = o.names ?? MONITORING_NAMES;
  const slack = o.slackMs ?? 1000;
  return {
    name: "recovery",
    description: "a node reported down is reported up again within the heartbeat interval + 1 s",
    check({ history, ttlMs }) {
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
      const latencies: number[] = [];
      const late: unknown[] = [];
      let skipped = 0;
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
            skipped++;
            continue;
          }
          const up = reports.find((x) =>
            x.monitor === monitor && x.incarnation === life.incarnation &&
            x.member === target.node && x.state === "up" && x.time >= down.time
          );
          const latency = up ? Math.max(0, up.time - from) : undefined;
          if (latency !== undefined) latencies.push(latency);
          if (!up || up.time > deadline) {
            late.push({
              fault: w,
              member: target.node,
              monitor,
              downAt: Math.round(down.time),
              backAt: Math.round(back),
              upAt: up ? Math.round(up.time) : null,
              report: up ? { node: monitor, time: Math.round(up.time) } : null,
              latencyMs: latency === undefined ? null : Math.round(latency),
              boundMs: Math.round(bound),
            });
          }
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
      const judged = latencies.length +
        late.filter((l) => (l as { latencyMs: unknown }).latencyMs === null).length;
      const measured = latency("recoveryMs", latencies);
      const figures: Record<string, number | null> = {
        judged,
        skipped,
        ...measured.figures,
      };
      if (late.length + unrecovered.length > 0) {
        return {
          valid: false,
          summary: late.length > 0
            ? `${late.length} recover(y/ies) not reported within ${
              Math.round(bound)
            } ms (${measured.text})`
            : `${unrecovered.length} member(s) not reported up at the end`,
          evidence: [...late, ...unrecovered],
          figures,
        };
      }
      return {
        valid: true,
        summary: judged === 0
          ? "every member up at the end; no recovery judged (none in a window free of other faults)"
          : `${judged} recover(y/ies) reported within ${
            Math.round(bound)
          } ms: ${measured.text}; every member up at the end`,
        figures,
      };
    },
  };
}
