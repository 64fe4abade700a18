import type { Cluster } from "../lib/cluster/cluster.ts";
import type { Fault } from "../lib/faults/fault.ts";
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
import { defrag } from "./defrag.ts";
import { rollingRestart } from "./rolling_restart.ts";
import { replaceMember } from "./replace_member.ts";
import { nospace } from "./nospace.ts";
import { FaultCatalogue } from "../lib/faults/catalogue.ts";
import type { FaultCapabilities } from "../lib/faults/catalogue.ts";
import { killQuorum } from "./kill_quorum.ts";
import { killAll } from "./kill_all.ts";
import { restoreSnapshot } from "./restore_snapshot.ts";
import { lagUntilSnapshot } from "./lag_until_snapshot.ts";

export type { ActiveFault, Fault, FaultAim, World } from "../lib/faults/fault.ts";
export { faultProblem, isFaultModule } from "../lib/faults/plugin.ts";

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
  defrag,
  rollingRestart,
  replaceMember,
  nospace,
  killQuorum,
  killAll,
  restoreSnapshot,
  lagUntilSnapshot,
];

/** The built-in faults and the plugins loaded in this process: what the CLI hands the runner. */
export const CATALOGUE: FaultCatalogue = new FaultCatalogue(FAULTS);

/** {@link FaultCatalogue.loadPlugins} of the built-in {@link CATALOGUE}. */
export function loadFaultPlugins(names: readonly string[], base?: string): Promise<Fault[]> {
  return CATALOGUE.loadPlugins(names, base);
}

/** {@link FaultCatalogue.resolve} of the built-in {@link CATALOGUE}. */
export function resolveFaults(names: string[], cluster: FaultCapabilities): Fault[] {
  return CATALOGUE.resolve(names, cluster);
}

export type { FaultCapabilities } from "../lib/faults/catalogue.ts";

/** Whether a cluster offers member faults. */
export function canControlMembers(cluster: Cluster): boolean {
  return cluster.control !== undefined;
}
