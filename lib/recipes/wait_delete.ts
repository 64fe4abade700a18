import type { Etcd3 } from "../cluster/etcd3_types.ts";
import { watchUntil } from "./watch_until.ts";

/**
 * Waits until `key` is deleted at or after revision `fromRevision`, or the
 * signal aborts, or `timeoutMs` passes (the caller then re-reads: a safety
 * net against a watch that went quiet, not a poll).
 */
export function waitDelete(
  client: Etcd3,
  key: string | Buffer,
  fromRevision: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  const watcher = client.watch().key(key).startRevision(String(fromRevision)).watcher();
  return watchUntil(watcher, (fire) => watcher.on("delete", fire), signal, timeoutMs);
}
