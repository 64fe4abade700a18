import type { HistoryEvent, ProbeEvent } from "../history/event.ts";

/**
 * The slowest answer the runner's probe (lib/runner/probe.ts) got from the
 * cluster while [from, to] lasted: a probe counts when its read was out at
 * any moment of the window. Undefined when no probe ran then (a history
 * from before probes, or one a test built).
 */
export function slowestProbeMs(
  history: readonly HistoryEvent[],
  from: number,
  to: number,
): number | undefined {
  let slowest: number | undefined;
  for (const p of probesOf(history)) {
    if (p.time - p.latencyMs > to) break;
    if (p.time < from) continue;
    slowest = Math.max(slowest ?? 0, p.latencyMs);
  }
  return slowest;
}

/** The probes by start time, cached per history while its length holds (it only grows). */
function probesOf(history: readonly HistoryEvent[]): ProbeEvent[] {
  const cached = cache.get(history);
  if (cached?.length === history.length) return cached.probes;
  const probes = history.filter((e): e is ProbeEvent => e.kind === "probe")
    .sort((a, b) => (a.time - a.latencyMs) - (b.time - b.latencyMs));
  cache.set(history, { length: history.length, probes });
  return probes;
}

const cache = new WeakMap<readonly HistoryEvent[], { length: number; probes: ProbeEvent[] }>();
