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
import { defrag } from "./defrag.ts";
import { rollingRestart } from "./rolling_restart.ts";
import { replaceMember } from "./replace_member.ts";
import { nospace } from "./nospace.ts";
import { killQuorum } from "./kill_quorum.ts";
import { killAll } from "./kill_all.ts";
import { restoreSnapshot } from "./restore_snapshot.ts";
import { lagUntilSnapshot } from "./lag_until_snapshot.ts";
import { faultModuleUrl, isFaultModule, loadFaultModule } from "./plugin.ts";

export type { ActiveFault, Fault, FaultAim, World } from "./fault.ts";
export { faultProblem, isFaultModule } from "./plugin.ts";

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

/** Fault plugins loaded in this process, by their own name and by the spec they were loaded from. */
const plugins = new Map<string, Fault>();

/**
 * Loads the fault modules a --faults list (or a plan file) names, once
 * each, and registers them so {@link resolveFaults} finds them by spec or by
 * name. Built-in names pass through untouched. Refuses (UsageError, one
 * line) a module that does not fit the {@link Fault} interface, or whose
 * name is taken by a built-in fault or another plugin. Relative paths are
 * taken from `base` (a URL; default: the current directory).
 */
export async function loadFaultPlugins(names: readonly string[], base?: string): Promise<Fault[]> {
  const loaded: Fault[] = [];
  for (const spec of names) {
    if (!isFaultModule(spec)) continue;
    const key = pluginKey(spec, base);
    let fault = plugins.get(key);
    if (!fault) {
      fault = await loadFaultModule(spec, base);
      const taken = FAULTS.find((f) => f.name === fault!.name) ?? plugins.get(fault.name);
      if (taken && taken !== fault) {
        throw new UsageError(
          `fault ${spec} is named "${fault.name}", which ${
            FAULTS.includes(taken) ? "a built-in fault" : "another fault plugin"
          } has: give it a name of its own`,
        );
      }
      plugins.set(key, fault);
      plugins.set(fault.name, fault);
    }
    loaded.push(fault);
  }
  return loaded;
}

/** The fault a name or a loaded plugin's spec stands for. */
function findFault(name: string): Fault | undefined {
  return FAULTS.find((x) => x.name === name) ?? plugins.get(name) ??
    (isFaultModule(name) ? plugins.get(pluginKey(name)) : undefined);
}

function pluginKey(spec: string, base?: string): string {
  return `module:${faultModuleUrl(spec, base)}`;
}

/** What a cluster kind allows, for {@link resolveFaults}. */
export interface FaultCapabilities {
  kind: string;
  canControlMembers: boolean;
  /** Faults this host cannot do for the kind, each with the reason. */
  unavailable?: Record<string, string>;
  /**
   * The operator allows faults that change a cluster the harness does not
   * control through etcd's API (`apiOnly`: compact, defrag) — `--allow-disruptive`.
   * Default false.
   */
  allowDisruptive?: boolean;
}

/**
 * Resolves a --faults list ("all", "none", or names) for a cluster kind;
 * refuses unknown faults and faults the kind cannot do, never skips them
 * silently. `unavailable` names faults this host cannot do for the kind,
 * with the reason (e.g. no netem for latency-peer on containers): "all"
 * leaves them out, a name is refused with the reason. A list may name fault
 * plugins by spec (./my_fault.ts) or name once {@link loadFaultPlugins}
 * has loaded them; "all" means every built-in fault the kind supports.
 */
export function resolveFaults(names: string[], cluster: FaultCapabilities): Fault[] {
  const unavailable = cluster.unavailable ?? {};
  const disruptive = cluster.allowDisruptive ?? false;
  const supported = (f: Fault) =>
    (f.side === "node" || cluster.canControlMembers || (f.apiOnly === true && disruptive)) &&
    !(f.name in unavailable);
  if (names.length === 1 && names[0] === "all") {
    return FAULTS.filter((f) => supported(f) && !f.namedOnly);
  }
  if (names.length === 0 || (names.length === 1 && names[0] === "none")) return [];
  return names.map((name) => {
    const f = findFault(name);
    if (!f) {
      if (isFaultModule(name)) {
        throw new UsageError(`fault module ${name} was not loaded: load it with loadFaultPlugins`);
      }
      throw new UsageError(
        `unknown fault "${name}": choose from ${
          FAULTS.map((x) => x.name).join(", ")
        } (or all, none), or give a fault module (./my_fault.ts)`,
      );
    }
    if (f.name in unavailable) {
      throw new UsageError(
        `fault ${name} cannot run on this ${cluster.kind} cluster: ${unavailable[f.name]}`,
      );
    }
    if (!supported(f)) {
      if (f.apiOnly) {
        throw new UsageError(
          `fault ${name} changes the whole ${cluster.kind} cluster for every client: pass --allow-disruptive to run it there`,
        );
      }
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
