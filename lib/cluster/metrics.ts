/**
 * What a member says about its raft log: its Prometheus metrics (`/metrics`
 * on the client URL) and its raft index (Maintenance status). The
 * lag-until-snapshot drill reads them to know when the leader has
 * compacted past a follower and whether a snapshot was sent.
 */
import { accessFor } from "./access.ts";
import { gatewayCall, httpClient } from "./gateway.ts";

/**
 * etcd 3.4's metric names the drill reads (counters; summed over labels):
 * the raft snapshots a member saved (each one is followed by a compaction
 * of its raft log), and the database snapshots it sent to or received from
 * a peer (a follower too far behind catches up that way).
 */
export const SNAPSHOT_METRICS = {
  saved: "etcd_debugging_snap_save_total_duration_seconds_count",
  sent: "etcd_network_snapshot_send_success",
  received: "etcd_network_snapshot_receive_success",
} as const;

/**
 * One member's metrics, by name, each summed over its label sets (a
 * counter per peer becomes the member's total). Throws when the member
 * does not answer within `timeoutMs`.
 */
export async function memberMetrics(
  clientUrl: string,
  timeoutMs = 2000,
): Promise<Map<string, number>> {
  const access = accessFor(clientUrl);
  const res = await fetch(`${clientUrl}/metrics`, {
    signal: AbortSignal.timeout(timeoutMs),
    ...(access ? { client: httpClient(access) } : {}),
  } as RequestInit);
  if (!res.ok) throw new Error(`${clientUrl}/metrics: ${res.status}`);
  return parseMetrics(await res.text());
}

/** Prometheus text format to sums by metric name (comments and unparsable lines skipped). */
export function parseMetrics(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.trim()) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (Number.isFinite(value)) sums.set(m[1], (sums.get(m[1]) ?? 0) + value);
  }
  return sums;
}

/**
 * The member's raft index (Maintenance status `raftIndex`: the last entry
 * it has committed). It answers without a quorum, so it works on a member
 * cut off from its peers.
 */
export async function raftIndex(clientUrl: string, timeoutMs = 1000): Promise<number> {
  const s = await gatewayCall(clientUrl, "/v3/maintenance/status", {}, timeoutMs);
  return Number(s.raftIndex ?? 0);
}
