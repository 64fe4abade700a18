import type { Etcd3 } from "etcd3";

/**
 * Waits until any key below `prefix` changes at or after revision
 * `fromRevision`, or the signal aborts, or `timeoutMs` passes (the caller
 * then re-reads: a safety net against a watch that went quiet, not a poll).
 */
export async function waitChange(
  client: Etcd3,
  prefix: string,
  fromRevision: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  const watcher = client.watch().prefix(prefix).startRevision(String(fromRevision)).watcher();
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      watcher.on("data", (res) => res.events.length > 0 && done());
      watcher.on("error", done);
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
  } finally {
    watcher.cancel().catch(() => {});
  }
}
