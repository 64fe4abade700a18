import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import type { FaultWindow, Operation } from "../../../lib/history/event.ts";
import { summarize } from "../../../lib/checks/stats.ts";

/** Evidence lists are cut here; the figures keep the full counts. */
const MAX_EVIDENCE = 50;

/**
 * Availability: of the calls that ran entirely outside every fault window,
 * at least `minRate` succeeded. Calls that overlap a fault are not judged but
 * reported: the failure spike around each fault (its window plus `aroundMs`
 * after) is in the evidence and the figures.
 */
export function availabilityChecker(
  opts: { call?: string; minRate?: number; aroundMs?: number } = {},
): BuiltinChecker {
  const f = opts.call ?? "call";
  const minRate = opts.minRate ?? 0.99;
  return {
    name: "availability",
    description: `outside fault windows at least ${
      minRate * 100
    }% of calls succeed; failure spikes around each fault are reported`,
    check({ history, ttlMs }) {
      const around = opts.aroundMs ?? ttlMs;
      const windows = faultWindows(history);
      const calls = operations(history).filter((o) => o.f === f);
      const end = (o: Operation) => o.complete?.time ?? Infinity;
      const overlaps = (o: Operation, a: number, b: number) => o.invoke.time <= b && end(o) >= a;
      const outside = calls.filter((o) => !windows.some((w) => overlaps(o, w.start, w.stop)));
      const failed = outside.filter((o) => o.outcome !== "ok");
      const spikes = windows.map((w) => spikeOf(w, calls, around, overlaps))
        .filter((s) => s.failed > 0);
      const okMs = outside.filter((o) => o.outcome === "ok").map((o) =>
        o.complete!.time - o.invoke.time
      );
      const rate = outside.length === 0 ? null : (outside.length - failed.length) / outside.length;
      const worst = spikes.reduce<Spike | undefined>(
        (m, s) => (!m || s.failed > m.failed ? s : m),
        undefined,
      );
      const figures: Record<string, number | null> = {
        outsideCalls: outside.length,
        outsideFailed: failed.length,
        outsideSuccessPct: rate === null ? null : Math.floor(rate * 10000) / 100,
        insideCalls: calls.length - outside.length,
        insideFailed: calls.filter((o) => o.outcome !== "ok").length - failed.length,
        spikes: spikes.length,
        worstSpikeFailed: worst?.failed ?? 0,
        ...summarize("callMs", okMs),
      };
      const spikeText = spikes.length === 0
        ? "no failure spike around faults"
        : `${spikes.length} failure spike(s) around faults, worst ${worst!.failed} failed (${
          worst!.fault.fault
        } ${worst!.fault.targets.join(",")})`;
      const latency =
        `call latency median ${figures.callMs_median} ms, p95 ${figures.callMs_p95} ms, max ${figures.callMs_max} ms`;
      if (rate === null) {
        return {
          valid: "unknown",
          judged: 0,
          summary: "no call ran outside fault windows",
          figures,
        };
      }
      const head =
        `${figures.outsideSuccessPct}% of ${outside.length} calls outside fault windows ` +
        `succeeded (${failed.length} failed)`;
      if (rate < minRate) {
        const shown = failed.slice(0, MAX_EVIDENCE).map((o) => ({
          violation: "call failed outside fault windows",
          node: o.node,
          incarnation: o.incarnation,
          f: o.f,
          invoked: o.invoke.time,
          completed: o.complete?.time,
          error: o.complete?.error,
        }));
        return {
          valid: false,
          judged: outside.length,
          summary: `${head}, below ${minRate * 100}%; ${spikeText}; ${latency}`,
          evidence: [...shown, ...spikes.slice(0, MAX_EVIDENCE)],
          figures,
        };
      }
      return {
        valid: true,
        judged: outside.length,
        summary: `${head}; ${spikeText}; ${latency}`,
        evidence: spikes.slice(0, MAX_EVIDENCE),
        figures,
      };
    },
  };
}

/** The calls that failed during a fault and in the `around` ms after it. */
interface Spike {
  violation: string;
  fault: FaultWindow;
  calls: number;
  failed: number;
  firstFailure: number | null;
  lastFailure: number | null;
}

function spikeOf(
  w: FaultWindow,
  calls: readonly Operation[],
  around: number,
  overlaps: (o: Operation, a: number, b: number) => boolean,
): Spike {
  const near = calls.filter((o) => overlaps(o, w.start, w.stop + around));
  const failed = near.filter((o) => o.outcome !== "ok");
  return {
    violation: "failure spike around a fault",
    fault: w,
    calls: near.length,
    failed: failed.length,
    firstFailure: failed.length ? Math.min(...failed.map((o) => o.invoke.time)) : null,
    lastFailure: failed.length
      ? Math.max(...failed.map((o) => o.complete?.time ?? o.invoke.time))
      : null,
  };
}
