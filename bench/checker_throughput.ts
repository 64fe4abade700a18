/**
 * Checker throughput: history events checked per second on a large generated
 * lock history (≥ 100k events), each lock checker timed on its own.
 */
import type { HistoryEvent } from "../lib/history/event.ts";
import { counterChecker } from "../scenarios/lock/checks/counter.ts";
import { overlapChecker } from "../scenarios/lock/checks/overlap.ts";
import { regrantChecker } from "../lib/checks/regrant.ts";
import type { Checker } from "../lib/checks/checker.ts";

/** A serial lock history: `holds` rounds of acquire, read, write, release across 5 nodes, plus kills. */
export function lockHistory(holds: number): { history: HistoryEvent[]; final: unknown } {
  const history: HistoryEvent[] = [];
  let t = 0;
  let rev = 1;
  let op = 0;
  const push = (node: string, f: string, value: unknown, revision?: number) => {
    op++;
    history.push({ kind: "op", type: "invoke", op, node, incarnation: 1, f, time: t });
    t += 1;
    history.push({ kind: "op", type: "ok", op, node, incarnation: 1, f, value, revision, time: t });
    t += 1;
  };
  for (let i = 0; i < holds; i++) {
    const node = `n${(i % 5) + 1}`;
    const token = ++rev;
    push(node, "acquire", { token }, token);
    push(node, "read", { value: i, modRevision: rev }, rev);
    push(node, "write", { from: i, to: i + 1, readModRevision: rev, token }, ++rev);
    push(node, "release", undefined);
    if (i % 1000 === 500) {
      history.push({
        kind: "fault",
        type: "start",
        id: i,
        fault: "pause-node",
        targets: [node],
        time: t,
      });
      history.push({
        kind: "fault",
        type: "stop",
        id: i,
        fault: "pause-node",
        targets: [node],
        time: t + 10,
      });
    }
  }
  return { history, final: { counter: { value: holds, modRevision: rev } } };
}

/** Events per second of each lock checker, median of `repeats`. */
export function checkerThroughput(repeats: number): Record<string, number> & { events: number } {
  const { history, final } = lockHistory(15_000);
  const checkers: Checker[] = [
    counterChecker({ write: "write" }),
    overlapChecker(),
    regrantChecker({ acquire: "acquire", release: "release" }),
  ];
  const out: Record<string, number> = { events: history.length };
  for (const c of checkers) {
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      // A copy each time: the checker pays for pairing operations itself, as the first of a run does.
      const events = [...history];
      const t0 = performance.now();
      const r = c.check({ history: events, final, ttlMs: 2000, params: {} });
      times.push(performance.now() - t0);
      if (c.name === "resource-safety" && r.valid !== true) {
        throw new Error(`generated history judged ${r.summary}`);
      }
    }
    times.sort((a, b) => a - b);
    out[`${c.name}_eventsPerSec`] = Math.round(
      history.length / (times[Math.floor(times.length / 2)] / 1000),
    );
  }
  return out as Record<string, number> & { events: number };
}
