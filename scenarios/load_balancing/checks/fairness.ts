import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { nothingJudged } from "../../../lib/checks/checker.ts";
import { faultWindows } from "../../../lib/history/event.ts";
import { listedAt, parseBalancing, registeredAddr, visibleAt } from "./calls.ts";
import type { BalancingOps } from "./calls.ts";
import { summarize } from "../../../lib/checks/stats.ts";

/** Settings of {@link fairnessChecker}. */
export interface FairnessOptions {
  /** Allowed deviation of a server's call count from the mean, as a fraction. */
  tolerance?: number;
  /** Time after any disturbance before a window counts as steady, ms. */
  settleMs?: number;
  /** Shortest steady window judged, ms. */
  minWindowMs?: number;
  /** Fewest calls per live server (on average) for a window to be judged. */
  minMean?: number;
  ops?: BalancingOps;
}

/**
 * Fairness: in steady windows (no fault, no node starting or ending, no
 * change of the registered set, each followed by `settleMs`), every live
 * server (registered in etcd and its process alive throughout) gets a share
 * of the calls within ±`tolerance` of the mean. A server clients never learn
 * of gets nothing, and fails it. Only what etcd's record covers is judged:
 * no window before the oldest revision a compaction left.
 */
export function fairnessChecker(opts: FairnessOptions = {}): BuiltinChecker {
  const tolerance = opts.tolerance ?? 0.25;
  const settle = opts.settleMs ?? 1000;
  const minWindow = opts.minWindowMs ?? 1000;
  const minMean = opts.minMean ?? 20;
  return {
    name: "fairness",
    description: `in steady windows each live server's share of calls is within ±${
      tolerance * 100
    }% of the mean`,
    check(input) {
      const { history, final } = input;
      const h = parseBalancing(history, final, opts.ops);
      const tl = h.timeline;
      if (!tl) {
        return { valid: "unknown", judged: 0, summary: "etcd's registry log could not be read" };
      }
      const routed = h.calls.filter((c) => c.addr !== undefined);
      if (routed.length === 0) {
        return { valid: "unknown", judged: 0, summary: "no call was routed" };
      }
      const from = Math.min(...routed.map((c) => c.invoked));
      const to = Math.max(...routed.map((c) => c.invoked));
      const unsteady: [number, number][] = [];
      for (const w of faultWindows(history)) unsteady.push([w.start, w.stop + settle]);
      const alive = new Map<string, { spawn: number; exit: number }>();
      for (const e of history) {
        if (e.kind !== "node" || (e.type !== "spawn" && e.type !== "exit")) continue;
        unsteady.push([e.time, e.time + settle]);
        const k = `${e.node}#${e.incarnation}`;
        const a = alive.get(k) ?? { spawn: -Infinity, exit: Infinity };
        if (e.type === "spawn") a.spawn = e.time;
        else a.exit = e.time;
        alive.set(k, a);
      }
      // A client joining (its first list) rotates from wherever it starts.
      for (const c of h.clients) {
        if (c.views[0]) unsteady.push([c.views[0].time, c.views[0].time + settle]);
      }
      // Changes of the registered set, at the time someone first saw them.
      const changes: { time: number; revision: number }[] = [];
      let prev = "";
      for (const r of tl.revisions) {
        const set = [...listedAt(tl, r)!].sort().join(",");
        if (set === prev) continue;
        prev = set;
        const t = visibleAt(h, r);
        // Nobody saw it (or anything newer): it came after every observation, e.g. the
        // deregistrations at the end, when clients had stopped. No window reaches there.
        if (t === undefined) continue;
        changes.push({ time: t, revision: r });
        unsteady.push([t - 200, t + settle]); // t bounds the change from above: margin before too
      }
      // A compaction took etcd's record before tl.from: until someone has seen that revision,
      // which servers were registered is not known, so no window starts before.
      const covered = visibleAt(h, tl.from) ?? Infinity;
      const owner = new Map<string, string>();
      for (const o of h.registers) {
        const addr = registeredAddr(o);
        if (addr) owner.set(addr, `${o.node}#${o.incarnation}`);
      }
      const windows = steadyWindows(unsteady, Math.max(from, covered), to)
        .filter(([a, b]) => b - a >= minWindow);
      const judged: unknown[] = [];
      const violations: unknown[] = [];
      const deviations: number[] = [];
      let calls = 0;
      let skipped = 0;
      for (const [a, b] of windows) {
        const change = [...changes].reverse().find((c) => c.time <= a);
        const set = listedAt(tl, change?.revision ?? tl.from) ?? new Set<string>();
        const live = [...set].filter((addr) => {
          const life = alive.get(owner.get(addr) ?? "");
          return life !== undefined && life.spawn <= a && life.exit >= b;
        }).sort();
        const counts = new Map(live.map((addr) => [addr, 0]));
        for (const c of routed) {
          if (c.invoked >= a && c.invoked < b && counts.has(c.addr!)) {
            counts.set(c.addr!, counts.get(c.addr!)! + 1);
          }
        }
        const total = [...counts.values()].reduce((s, n) => s + n, 0);
        const mean = live.length === 0 ? 0 : total / live.length;
        if (live.length < 2 || mean < minMean) {
          skipped++;
          continue;
        }
        calls += total;
        const window = {
          start: Math.round(a),
          stop: Math.round(b),
          mean: Math.round(mean * 10) / 10,
          counts: Object.fromEntries(counts),
        };
        judged.push(window);
        for (const [addr, n] of counts) {
          const dev = Math.abs(n - mean) / mean;
          deviations.push(dev * 100);
          if (dev > tolerance) {
            violations.push({
              violation: "unfair share in a steady window",
              addr,
              calls: n,
              deviationPct: Math.round(dev * 1000) / 10,
              window,
            });
          }
        }
      }
      const figures: Record<string, number | null> = {
        windows: judged.length,
        skippedWindows: skipped,
        calls,
        steadyMs: Math.round(
          windows.reduce((s, [a, b]) => s + b - a, 0),
        ),
        ...summarize("deviationPct", deviations),
      };
      const spread = `deviation from the mean median ${figures.deviationPct_median}%, ` +
        `p95 ${figures.deviationPct_p95}%, max ${figures.deviationPct_max}%`;
      if (violations.length > 0) {
        return {
          valid: false,
          judged: judged.length,
          summary: `${violations.length} share(s) off the mean by more than ${
            tolerance * 100
          }% in ${judged.length} steady window(s); ${spread}`,
          evidence: violations.slice(0, 50),
          figures,
        };
      }
      if (judged.length === 0) {
        return nothingJudged(input, {
          why: "no steady window long enough with two or more live servers",
          figures,
        });
      }
      return {
        valid: true,
        judged: judged.length,
        summary: `${judged.length} steady window(s), ${calls} calls: every share within ±${
          tolerance * 100
        }%; ${spread}`,
        evidence: judged.slice(0, 50),
        figures,
      };
    },
  };
}

/** The parts of [from, to] that no unsteady interval covers. */
function steadyWindows(unsteady: [number, number][], from: number, to: number): [number, number][] {
  const sorted = [...unsteady].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  let at = from;
  for (const [a, b] of sorted) {
    if (b <= at) continue;
    if (a > at) out.push([at, Math.min(a, to)]);
    at = Math.max(at, b);
    if (at >= to) break;
  }
  if (at < to) out.push([at, to]);
  return out.filter(([a, b]) => b > a);
}
