import type { Checker } from "./checker.ts";
import { faultWindows, operations } from "../history/event.ts";
import type { FaultWindow } from "../history/event.ts";
import { aliveAt, clusterFaults, faultsOn, lifetimes } from "./lifetimes.ts";
import type { RegistryNames } from "./registry_names.ts";
import { DISCOVERY_NAMES, registerValue } from "./registry_names.ts";
import { latency } from "./latency.ts";
import { views } from "./views.ts";

/**
 * Whether a fault on a registrant must take its key out of etcd before the
 * deadline: a kill always; a pause or a cut only when it lasts past the
 * deadline (a shorter one may end before the lease runs out).
 */
export function mustExpire(w: FaultWindow, boundMs: number): boolean {
  if (w.fault === "kill-node") return true;
  return (w.fault === "pause-node" || w.fault === "partition-node") && w.stop - w.start >= boundMs;
}

/**
 * A killed service leaves every view within TTL + `slackMs` (default 1.5 s):
 * its lease stops being renewed when it dies, etcd deletes its key when the
 * lease runs out, and a reader that watches applies the delete. Pauses and
 * cuts that outlast that bound are judged the same way. A reader is judged
 * only while no fault hits it and no member fault overlaps (a leader change
 * renews every lease and stalls watches).
 */
export function removalChecker(o: { names?: RegistryNames; slackMs?: number } = {}): Checker {
  const names = o.names ?? DISCOVERY_NAMES;
  const slack = o.slackMs ?? 1500;
  return {
    name: "removal-latency",
    description: "a killed service leaves every view within TTL + 1.5 s",
    check({ history, ttlMs }) {
      const bound = ttlMs + slack;
      const lives = lifetimes(history);
      const allNodes = new Set(lives.map((l) => l.node));
      const readers = [...new Set(lives.filter((l) => l.role === names.reader).map((l) => l.node))];
      const registers = operations(history).filter((x) => x.f === names.register);
      const all = views(history, names.view);
      const end = history.reduce((m, e) => Math.max(m, e.time), 0);
      const windows = faultWindows(history);
      const latencies: number[] = [];
      const late: unknown[] = [];
      let skipped = 0;
      for (const w of windows) {
        if (w.targets.length !== 1 || !mustExpire(w, bound)) continue;
        const target = aliveAt(lives, w.targets[0], w.start);
        if (!target || target.role !== names.registrant) continue;
        const last = registers.filter((r) =>
          r.node === target.node && r.incarnation === target.incarnation &&
          r.invoke.time <= w.start
        ).at(-1);
        const key = last ? registerValue(last)?.key : undefined;
        if (key === undefined) continue; // died before registering: nothing to remove
        const deadline = w.start + bound;
        if (deadline > end) continue;
        if (clusterFaults(windows, allNodes, w.start, deadline).length > 0) {
          skipped++;
          continue;
        }
        for (const reader of readers) {
          if (faultsOn(windows, reader, w.start, deadline).length > 0) {
            skipped++;
            continue;
          }
          const life = aliveAt(lives, reader, w.start);
          if (!life || life.end < deadline) continue;
          const mine = all.filter((v) => v.node === reader && v.incarnation === life.incarnation);
          let present = mine.filter((v) => v.time <= w.start).at(-1)?.services[key] !== undefined;
          let removedAt: number | undefined;
          let appeared = present;
          for (const v of mine.filter((v) => v.time > w.start)) {
            if (key in v.services) {
              if (v.time <= deadline) appeared = present = true;
            } else if (present) {
              removedAt = v.time;
              break;
            }
          }
          if (!appeared) continue; // the reader never showed it: nothing to remove
          const latency = removedAt === undefined ? undefined : removedAt - w.start;
          if (latency !== undefined) latencies.push(latency);
          if (latency === undefined || latency > bound) {
            late.push({
              fault: w,
              service: { node: target.node, incarnation: target.incarnation, key },
              reader,
              removedAt: removedAt === undefined ? null : Math.round(removedAt),
              removal: removedAt === undefined
                ? null
                : { node: reader, time: Math.round(removedAt) },
              latencyMs: latency === undefined ? null : Math.round(latency),
              boundMs: bound,
            });
          }
        }
      }
      const measured = latency("removalMs", latencies);
      const figures: Record<string, number | null> = {
        judged: latencies.length +
          late.filter((l) => (l as { latencyMs: unknown }).latencyMs === null).length,
        skipped,
        ...measured.figures,
      };
      if (late.length > 0) {
        return {
          valid: false,
          summary: `${late.length} removal(s) later than TTL + ${slack} ms (${measured.text})`,
          evidence: late,
          figures,
        };
      }
      return {
        valid: true,
        summary: figures.judged === 0
          ? "not exercised: no service died in a window free of reader and member faults"
          : `${figures.judged} removal(s) within TTL + ${slack} ms: ${measured.text}`,
        figures,
      };
    },
  };
}
