import type { Fault } from "./fault.ts";
import { UsageError } from "../proc/errors.ts";
import { faultModuleUrl, isFaultModule, loadFaultModule } from "./plugin.ts";

/** What a cluster kind allows, for {@link FaultCatalogue.resolve}. */
export interface FaultCapabilities {
  /** The cluster kind, as refusals name it (`process`, `container`, `external`, `shared`). */
  kind: string;
  /** Whether the kind offers member controls (member faults need them). */
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
 * The faults a run can name: the built-in kinds it is made with (chaos/ gives
 * them) and the fault plugins loaded since. The runner reaches faults only
 * through this: names in, {@link Fault}s out, refused with one line when the
 * cluster cannot do them.
 */
export class FaultCatalogue {
  /** Fault plugins loaded in this process, by their own name and by the spec they were loaded from. */
  readonly #plugins = new Map<string, Fault>();

  /**
   * A catalogue of the given built-in faults (chaos/mod.ts makes one of its
   * FAULTS); {@link loadPlugins} adds plugins.
   */
  constructor(readonly builtins: readonly Fault[]) {}

  /**
   * Loads the fault modules a --faults list (or a plan file) names, once
   * each, and registers them so {@link resolve} finds them by spec or by
   * name. Built-in names pass through untouched. Refuses (UsageError, one
   * line) a module that does not fit the {@link Fault} interface, or whose
   * name is taken by a built-in fault or another plugin. Relative paths are
   * taken from `base` (a URL; default: the current directory).
   */
  async loadPlugins(names: readonly string[], base?: string): Promise<Fault[]> {
    const loaded: Fault[] = [];
    for (const spec of names) {
      if (!isFaultModule(spec)) continue;
      const key = pluginKey(spec, base);
      let fault = this.#plugins.get(key);
      if (!fault) {
        fault = await loadFaultModule(spec, base);
        const taken = this.builtins.find((f) => f.name === fault!.name) ??
          this.#plugins.get(fault.name);
        if (taken && taken !== fault) {
          throw new UsageError(
            `fault ${spec} is named "${fault.name}", which ${
              this.builtins.includes(taken) ? "a built-in fault" : "another fault plugin"
            } has: give it a name of its own`,
          );
        }
        this.#plugins.set(key, fault);
        this.#plugins.set(fault.name, fault);
      }
      loaded.push(fault);
    }
    return loaded;
  }

  /** The fault a name or a loaded plugin's spec stands for. */
  find(name: string): Fault | undefined {
    return this.builtins.find((x) => x.name === name) ?? this.#plugins.get(name) ??
      (isFaultModule(name) ? this.#plugins.get(pluginKey(name)) : undefined);
  }

  /**
   * Resolves a --faults list ("all", "none", or names) for a cluster kind;
   * refuses unknown faults and faults the kind cannot do, never skips them
   * silently. `unavailable` names faults this host cannot do for the kind,
   * with the reason (e.g. no netem for latency-peer on containers): "all"
   * leaves them out, a name is refused with the reason. A list may name fault
   * plugins by spec (./my_fault.ts) or name once {@link loadPlugins} has
   * loaded them; "all" means every built-in fault the kind supports, but those that run
   * only when named.
   */
  resolve(names: readonly string[], cluster: FaultCapabilities): Fault[] {
    const unavailable = cluster.unavailable ?? {};
    const disruptive = cluster.allowDisruptive ?? false;
    const supported = (f: Fault) =>
      (f.side === "node" || cluster.canControlMembers || (f.apiOnly === true && disruptive)) &&
      !(f.name in unavailable);
    // "all" leaves out the faults that run only when named (restore-snapshot).
    if (names.length === 1 && names[0] === "all") {
      return this.builtins.filter((f) => supported(f) && !f.namedOnly);
    }
    if (names.length === 0 || (names.length === 1 && names[0] === "none")) return [];
    return names.map((name) => {
      const f = this.find(name);
      if (!f) {
        if (isFaultModule(name)) {
          throw new UsageError(`fault module ${name} was not loaded: load it with loadPlugins`);
        }
        throw new UsageError(
          `unknown fault "${name}": choose from ${
            this.builtins.map((x) => x.name).join(", ")
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
            this.builtins.filter((x) => x.side === "node").map((x) => x.name).join(", ")
          }) or another --cluster`,
        );
      }
      return f;
    });
  }
}

function pluginKey(spec: string, base?: string): string {
  return `module:${faultModuleUrl(spec, base)}`;
}
