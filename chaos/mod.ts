import type { Cluster } from "../lib/cluster/cluster.ts";
import type { Fault } from "./fault.ts";
import { UsageError } from "../lib/errors.ts";
import { pauseNode } from "./pause_node.ts";
import { killNode } from "./kill_node.ts";
import { partitionNode } from "./partition_node.ts";
import { latencyNode } from "./latency_node.ts";
import { killLease } from "./kill_lease.ts";
import { killMember } from "./kill_member.ts";
import { killLeader } from "./kill_leader.ts";
import { pauseMember } from "./pause_member.ts";
import { isolateMember } from "./isolate_member.ts";
import { isolateLeader } from "./isolate_leader.ts";
import { partition } from "./partition.ts";
import { latencyPeer } from "./latency_peer.ts";
import { compact } from "./compact.ts";
import { resetNode } from "./reset_node.ts";
import { flapNode } from "./flap_node.ts";
import { restartNode } from "./restart_node.ts";

export type { ActiveFault, Fault, World } from "./fault.ts";

/** Every built-in fault, by name. */
export const FAULTS: readonly Fault[] = [
  killNode,
  pauseNode,
  partitionNode,
  latencyNode,
  killLease,
  killMember,
  killLeader,
  pauseMember,
  isolateMember,
  isolateLeader,
  partition,
  latencyPeer,
  compact,
  resetNode,
  flapNode,
  restartNode,
];

/**
 * Resolves a --faults list ("all", "none", or names) for a cluster kind;
 * refuses unknown faults and faults the kind cannot do, never skips them
 * silently. `unavailable` names faults this host cannot do for the kind,
 * with the reason (e.g. no netem for latency-peer on containers): "all"
 * leaves them out, a name is refused with the reason.
 */
export function resolveFaults(
  names: string[],
  cluster: { kind: string; canControlMembers: boolean; unavailable?: Record<string, string> },
): Fault[] {
  const unavailable = cluster.unavailable ?? {};
  const supported = (f: Fault) =>
    (f.side === "node" || cluster.canControlMembers) && !(f.name in unavailable);
  if (names.length === 1 && names[0] === "all") return FAULTS.filter(supported);
  if (names.length === 0 || (names.length === 1 && names[0] === "none")) return [];
  return names.map((name) => {
    const f = FAULTS.find((x) => x.name === name);
    if (!f) {
      throw new UsageError(
        `unknown fault "${name}": choose from ${
          FAULTS.map((x) => x.name).join(", ")
        } (or all, none)`,
      );
    }
    if (f.name in unavailable) {
      throw new UsageError(
        `fault ${name} cannot run on this ${cluster.kind} cluster: ${unavailable[f.name]}`,
      );
    }
    if (!supported(f)) {
      const article = /^[aeiou]/.test(cluster.kind) ? "an" : "a";
      throw new UsageError(
        `fault ${name} needs member control, which ${article} ${cluster.kind} cluster does not offer: use node faults (${
          FAULTS.filter((x) => x.side === "node").map((x) => x.name).join(", ")
        }) or another --cluster`,
      );
    }
    return f;
  });
}

/** Whether a cluster offers member faults. */
export function canControlMembers(cluster: Cluster): boolean {
  return cluster.control !== undefined;
}
