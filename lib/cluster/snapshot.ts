/**
 * A backend snapshot as an operator takes and restores it, with etcd's own
 * tool (`etcdctl snapshot save|status|restore`, Debian's etcd-client): the
 * process and container clusters use it for the restore drill.
 */
import type { ConnectOptions } from "./connect.ts";
import { findEtcdctl } from "./etcd_binary.ts";

/** How long one etcdctl snapshot call may take. */
const ETCDCTL_MS = 30_000;

/** What a saved snapshot holds: etcd's `snapshot status`. */
export interface SnapshotInfo {
  /** Where the file is. */
  path: string;
  /** The store revision it was taken at: a restored cluster starts from here. */
  revision: number;
  /** Keys in it (every key of the keyspace, not only the run's). */
  totalKey: number;
}

/** Options of {@link restoreSnapshot}: one member's share of a restore. */
export interface RestoreOptions {
  /** The snapshot file (from {@link saveSnapshot}). */
  path: string;
  /** The member's name, as in `initialCluster`. */
  name: string;
  /** `name=peerURL,…` of every member, the URLs the members advertise. */
  initialCluster: string;
  /** This member's advertised peer URL. */
  peerUrl: string;
  /** The cluster token the members were started with (the member ids derive from it). */
  token: string;
  /** A data dir that does not exist yet. */
  dataDir: string;
}

/**
 * Saves the backend of the member at `clientUrl` into `path` (etcdctl
 * snapshot save: the Maintenance snapshot RPC, the file ending with its
 * sha256) and reads back its revision. TLS files and the user go in
 * etcdctl's environment, never on its command line.
 */
export async function saveSnapshot(
  clientUrl: string,
  path: string,
  access?: ConnectOptions,
): Promise<SnapshotInfo> {
  await etcdctl(["--endpoints", clientUrl, "snapshot", "save", path], access);
  return await snapshotStatus(path);
}

/** `etcdctl snapshot status` of a saved file: its revision and key count. */
export async function snapshotStatus(path: string): Promise<SnapshotInfo> {
  const out = await etcdctl(["snapshot", "status", path, "-w", "json"]);
  const s = JSON.parse(out) as { revision: number; totalKey: number };
  return { path, revision: Number(s.revision), totalKey: Number(s.totalKey) };
}

/**
 * Restores one member's data dir from a snapshot (etcdctl snapshot
 * restore): a new cluster of the same members (same names, peer URLs and
 * token, so the same member ids), whose keyspace is the snapshot's.
 */
export async function restoreSnapshot(o: RestoreOptions): Promise<void> {
  await etcdctl([
    "snapshot",
    "restore",
    o.path,
    "--name",
    o.name,
    "--initial-cluster",
    o.initialCluster,
    "--initial-cluster-token",
    o.token,
    "--initial-advertise-peer-urls",
    o.peerUrl,
    "--data-dir",
    o.dataDir,
  ]);
}

/** Runs etcdctl (API v3) with a deadline; resolves with its stdout, throws with its stderr. */
async function etcdctl(args: string[], access?: ConnectOptions): Promise<string> {
  const env: Record<string, string> = { ETCDCTL_API: "3" };
  if (access?.caFile) env.ETCDCTL_CACERT = access.caFile;
  if (access?.certFile) env.ETCDCTL_CERT = access.certFile;
  if (access?.keyFile) env.ETCDCTL_KEY = access.keyFile;
  if (access?.username) env.ETCDCTL_USER = `${access.username}:${access.password ?? ""}`;
  const out = await new Deno.Command(await findEtcdctl(), {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(ETCDCTL_MS),
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  if (!out.success) {
    throw new Error(
      `etcdctl ${args.slice(0, 3).join(" ")} failed: ${text(out.stderr).split("\n").pop()}`,
    );
  }
  return text(out.stdout);
}
