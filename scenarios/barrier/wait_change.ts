import type { Etcd3 } from "etcd3";
import { watchUntil } from "../../lib/recipes/watch_until.ts";

/**
 * Waits until any key below `prefix` changes at or after revision
 * `fromRevision`, or the signal aborts, or `timeoutMs` passes (the caller
 * then re-reads: a safety net against a watch that went quiet, not a poll).
 */
export function waitChange(
  client: Etcd3,
  prefix: string,
  fromRevision: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  const watcher = client.watch().prefix(prefix).startRevision(String(fromRevision)).watcher();
  return watchUntil(
    watcher,
    (fire) => watcher.on("data", (res) => res.events.length > 0 && fire()),
    signal,
    timeoutMs,
  );
}
