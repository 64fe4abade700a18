import { gatewayCall } from "../cluster/gateway.ts";
import type { HistoryWriter } from "../history/writer.ts";

/** Time from one probe's start to the next one's, ms. */
const EVERY_MS = 250;
/** How long one member may take to answer before the probe asks the next, ms. */
const MEMBER_MS = 2000;

/**
 * Reads one key of the run's prefix (it never exists) every 250 ms, a
 * linearizable read through etcd's JSON gateway, and records how long the
 * answer took as a `probe` event. It asks the members in turn, the next one
 * when one fails, so a killed member costs a probe little; a loaded machine,
 * an election or a slow disk shows up as slow answers, which the deadline
 * checks read to tell a subject that was late from a cluster that was
 * (lib/checks/stall.ts). Not through an etcd3 client: one kept connected
 * across a member's restart under --tls --auth stopped answering for good,
 * and the run's admin client must not be the one that does.
 * Returns a stop function; a read still out at the stop is recorded then.
 */
export function startProbe(
  clientUrls: readonly string[],
  prefix: string,
  history: HistoryWriter,
): () => void {
  let stopped = false;
  let pending: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake = () => {};
  const record = (from: number, ok: boolean) => {
    const time = history.now();
    history.append({ kind: "probe", latencyMs: Math.round((time - from) * 10) / 10, ok, time });
  };
  const body = { key: btoa(`${prefix}probe`) }; // below the run's prefix, never written
  (async () => {
    for (let turn = 0; !stopped; turn++) {
      const from = history.now();
      pending = from;
      let ok = false;
      for (let i = 0; i < clientUrls.length && !ok && !stopped; i++) {
        const url = clientUrls[(turn + i) % clientUrls.length];
        ok = await gatewayCall(url, "/v3/kv/range", body, MEMBER_MS).then(() => true, () => false);
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
