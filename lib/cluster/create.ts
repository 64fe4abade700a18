/**
 * One place that turns a cluster kind into a running cluster: the runner,
 * the benchmark and the tests start clusters only through here.
 */
import type { Cluster } from "./cluster.ts";
import type { ConnectOptions } from "./connect.ts";
import { ProcessCluster } from "./process_cluster.ts";
import { ExternalCluster } from "./external_cluster.ts";
import { UsageError } from "../proc/errors.ts";
import { netemUnavailable } from "./netns.ts";

/** The cluster kinds: `process` (default), `container`, `external`. */
export const CLUSTER_KINDS = ["process", "container", "external"] as const;
/** One of {@link CLUSTER_KINDS}. */
export type ClusterKind = typeof CLUSTER_KINDS[number];

/** Everything any kind needs; each kind reads its own part. */
export interface ClusterOptions {
  /** Which kind of cluster to make or reach. */
  kind: ClusterKind;
  /** 1, 3 or 5 (process, container). */
  members: number;
  /** Where member logs go (process, container). */
  logDir: string;
  /** Fixed ports from here (process, container). */
  portsFrom?: number;
  /** etcd image (container). */
  image?: string;
  /** Client URLs (external). */
  endpoints?: string[];
  /** TLS and auth (external). */
  connect?: ConnectOptions;
  /** The operator allows compact and defrag through etcd's API (external, --allow-disruptive). */
  allowDisruptive?: boolean;
  /** TLS on client and peer traffic with the run's own CA (process, container). */
  tls?: boolean;
  /** Auth with a root user for the harness and a user per node (process, container). */
  auth?: boolean;
  /** etcd's --auth-token-ttl in seconds, with auth (process, container). */
  authTokenTtl?: number;
  /** etcd's `--quota-backend-bytes` for the members (process, container); the nospace fault needs a small one. */
  quotaBackendBytes?: number;
  /** etcd's `--snapshot-count` for the members (process, container); lag-until-snapshot needs a small one. */
  snapshotCount?: number;
}

/** A cluster's settings as a run is given them: the run adds its member count, ports and log dir. */
export type ClusterSettings = Omit<ClusterOptions, "members" | "logDir" | "portsFrom">;

/** Parses `--cluster`. */
export function parseKind(text: string): ClusterKind {
  if ((CLUSTER_KINDS as readonly string[]).includes(text)) return text as ClusterKind;
  throw new UsageError(`--cluster ${text}: choose from ${CLUSTER_KINDS.join(", ")}`);
}

/**
 * What a kind can do, known before anything starts (for resolveFaults):
 * whether it controls members, and faults this host cannot do for it, each
 * with the reason.
 */
export async function kindCapabilities(kind: ClusterKind): Promise<{
  kind: string;
  canControlMembers: boolean;
  unavailable: Record<string, string>;
}> {
  const unavailable: Record<string, string> = {};
  if (kind === "container") {
    const why = await netemUnavailable();
    if (why) unavailable["latency-peer"] = why;
    // Its cuts drop packets in the kernel: TCP retransmits what they held after the heal, so the
    // follower may catch up from the log instead of a snapshot (not tried there).
    unavailable["lag-until-snapshot"] =
      "the container cluster's cuts cannot drop what they held (the follower would not need a snapshot): use --cluster process";
  }
  return { kind, canControlMembers: kind !== "external", unavailable };
}

/** Starts a cluster of the given kind; resolve once it is spawned (then call waitReady). */
export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  switch (o.kind) {
    case "process":
      return await ProcessCluster.start({
        members: o.members,
        logDir: o.logDir,
        portsFrom: o.portsFrom,
        tls: o.tls,
        auth: o.auth,
        authTokenTtl: o.authTokenTtl,
        quotaBackendBytes: o.quotaBackendBytes,
        snapshotCount: o.snapshotCount,
      });
    case "container": {
      // Loaded only here: testcontainers costs every other run ~0.4 s of CPU at start.
      const { ContainerCluster } = await import("./container_cluster.ts");
      return await ContainerCluster.start({
        members: o.members,
        logDir: o.logDir,
        portsFrom: o.portsFrom,
        image: o.image,
        tls: o.tls,
        auth: o.auth,
        authTokenTtl: o.authTokenTtl,
        quotaBackendBytes: o.quotaBackendBytes,
        snapshotCount: o.snapshotCount,
      });
    }
    case "external":
      if (!o.endpoints?.length) {
        throw new UsageError("--cluster external needs --endpoints URL,URL");
      }
      return new ExternalCluster({ endpoints: o.endpoints, connect: o.connect });
  }
}
