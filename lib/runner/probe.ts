import type { Etcd3 } from "etcd3";
import type { HistoryWriter } from "../history/writer.ts";

/** The key the probe reads: below the run's prefix, never written. */
export const probeKey = (prefix: string): string => `${prefix}probe`;

/** Time from one probe's start to the next one's, ms. */
const EVERY_MS = 250;

/**
 * Reads one key of the run's prefix (it never exists) every 250 ms through
 * the runner's admin client, a linearizable read, and records each answer's
 * latency as a `probe` event. A loaded machine, an election or a slow disk
 * shows up here as slow answers, which the deadline checks read to tell a
 * subject that was late from a cluster that was (lib/checkers/stall.ts).
 * Returns a stop function; a read still out at the stop is recorded then.
 */
export function startProbe(admin: Etcd3, key: string, history: HistoryWriter): () => void {
  let stopped = false;
  let pending: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake = () => {};
  const record = (from: number, ok: boolean) =>
    history.append({
      kind: "probe",
      latencyMs: Math.round((history.now() - from) * 10) / 10,
      ok,
      time: history.now(),
    });
  (async () => {
    while (!stopped) {
      const from = history.now();
      pending = from;
      let ok = true;
      try {
        await admin.get(key).exec();
      } catch {
        ok = false;
      }
      if (stopped) return;
      pending = undefined;
      record(from, ok);
      const wait = EVERY_MS - (history.now() - from);
      if (wait > 0) {
        await new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, wait);
        });
      }
    }
  })();
  return () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    wake();
    if (pending !== undefined) record(pending, false);
  };
}
