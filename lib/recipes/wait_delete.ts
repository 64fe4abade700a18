import type { Etcd3 } from "etcd3";

/**
 * Waits until `key` is deleted at or after revision `fromRevision`, or the
 * signal aborts, or `timeoutMs` passes (the caller then re-reads: a safety
 * net against a watch that went quiet, not a poll).
 */
export async function waitDelete(
  client: Etcd3,
  key: string | Buffer,
  fromRevision: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  const watcher = client.watch().key(key).startRevision(String(fromRevision)).watcher();
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      watcher.on("delete", done);
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
