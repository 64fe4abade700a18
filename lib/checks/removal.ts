import type { BuiltinChecker } from "./checker.ts";
import { DeadlineTally } from "./deadline.ts";
import { faultWindows, operations } from "../history/event.ts";
import type { FaultWindow } from "../history/event.ts";
import { aliveAt, clusterFaults, faultsOn, lifetimes } from "./lifetimes.ts";
import type { RegistryNames } from "./registry_names.ts";
import { DISCOVERY_NAMES, registerValue } from "./registry_names.ts";
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

/** Faults that take a registrant's key out of etcd (see {@link mustExpire}). */
export const EXPIRING = ["kill-node", "pause-node", "partition-node"];

/**
 * A killed service leaves every view within TTL + `slackMs` (default 1.5 s):
 * its lease stops being renewed when it dies, etcd deletes its key when the
 * lease runs out, and a reader that watches applies the delete. Pauses and
 * cuts that outlast that bound are judged the same way. A reader is judged
 * only while no fault hits it and no member fault overlaps (a leader change
 * renews every lease and stalls watches).
 */
export function removalChecker(
  o: { names?: RegistryNames; slackMs?: number } = {},
): BuiltinChecker {
  const names = o.names ?? DISCOVERY_NAMES;
  const slack = o.slackMs ?? 1500;
  return {
    name: "removal-latency",
    exercise: { faults: EXPIRING, role: names.registrant },
    description: "a killed service leaves every view within TTL + 1.5 s",
    check(input) {
      const { history, ttlMs } = input;
      const bound = ttlMs + slack;
      const lives = lifetimes(history);
      const allNodes = new Set(lives.map((l) => l.node));
      const readers = [...new Set(lives.filter((l) => l.role === names.reader).map((l) => l.node))];
      const registers = operations(history).filter((x) => x.f === names.register);
      const all = views(history, names.view);
      const end = history.reduce((m, e) => Math.max(m, e.time), 0);
      const windows = faultWindows(history);
      const tally = new DeadlineTally({ figure: "removalMs", boundMs: bound, history });
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
          tally.skip();
          continue;
        }
        for (const reader of readers) {
          if (faultsOn(windows, reader, w.start, deadline).length > 0) {
            tally.skip();
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
          tally.judge(removedAt === undefined ? undefined : removedAt - w.start, {
            fault: w,
            service: { node: target.node, incarnation: target.incarnation, key },
            reader,
            removedAt: removedAt === undefined ? null : Math.round(removedAt),
            removal: removedAt === undefined ? null : { node: reader, time: Math.round(removedAt) },
          }, w.start);
        }
      }
      return tally.result(input, {
        exercisedBy: EXPIRING,
        idle: "no service died in a window free of reader and member faults",
        late: (n, text) => `${n} removal(s) later than TTL + ${slack} ms (${text})`,
        ok: (n, text) => `${n} removal(s) within TTL + ${slack} ms: ${text}`,
      });
    },
  };
}
