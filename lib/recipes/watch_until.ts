import type { Watcher } from "etcd3";

/**
 * Resolves when `fire` is called by a watcher event, the watcher errs, the
 * signal aborts or `timeoutMs` passes (the caller then re-reads: a safety net
 * against a watch that went quiet, not a poll); cancels the watcher after.
 */
export async function watchUntil(
  watcher: Watcher,
  arm: (fire: () => void) => void,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      arm(done);
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
