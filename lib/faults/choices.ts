/**
 * Faults as a run names them: `kill-node`, `flap-node@discoverer` (aimed at the nodes of a role),
 * `./my_fault.ts`, `all`, `none`. Resolved through the {@link FaultCatalogue}; a role the scenario
 * does not have, or a role on a member fault, is refused with one line before anything starts.
 */
import { UsageError } from "../proc/errors.ts";
import type { FaultCapabilities, FaultCatalogue } from "./catalogue.ts";
import type { Fault } from "./fault.ts";
import type { FaultChoice } from "./schedule.ts";

/** One `--faults` entry split into the fault and the role it aims at. */
export function splitFaultEntry(entry: string): { name: string; role?: string } {
  const at = entry.lastIndexOf("@");
  const role = at > 0 ? entry.slice(at + 1) : "";
  // A module path or URL may hold an "@" of its own (npm scopes): only a plain word after it is a role.
  if (!/^[a-z][a-z0-9_-]*$/i.test(role)) return { name: entry };
  return { name: entry.slice(0, at), role };
}

/** What {@link resolveChoices} needs to know about the run. */
export interface ChoiceContext {
  catalogue: Pick<FaultCatalogue, "resolve">;
  capabilities: FaultCapabilities;
  /** The roles of the scenario's layout, for `@role`. */
  roles: readonly string[];
}

/** A run's faults, resolved. */
export interface ResolvedFaults {
  /** The fault kinds, each once. */
  faults: Fault[];
  /** What the plan draws from: each entry as named, with its role. */
  choices: FaultChoice[];
  /** The choices that must run (all but a `--faults all` draw). */
  promised: FaultChoice[];
}

/** The fault kinds a run uses (each once) and its choices (each entry as named). */
export function resolveChoices(
  entries: readonly string[],
  c: ChoiceContext,
): ResolvedFaults {
  const split = entries.map(splitFaultEntry);
  const faults = c.catalogue.resolve(split.map((e) => e.name), c.capabilities);
  if (split.length === 1 && (split[0].name === "all" || split[0].name === "none")) {
    // "all" is a draw from every fault the cluster kind takes, not a promise that each runs.
    return { faults, choices: faults.map((fault) => ({ fault })), promised: [] };
  }
  const choices = split.map((e, i): FaultChoice => {
    const fault = faults[i];
    if (e.role === undefined) return { fault };
    if (fault.side !== "node") {
      throw new UsageError(
        `--faults ${fault.name}@${e.role}: a member fault hits members, not nodes of a role; drop "@${e.role}"`,
      );
    }
    if (!c.roles.includes(e.role)) {
      throw new UsageError(
        `--faults ${fault.name}@${e.role}: this scenario has no role "${e.role}": aim at ${
          c.roles.join(", ")
        } (deno task run --list shows each scenario's roles)`,
      );
    }
    return { fault, role: e.role };
  });
  const kinds = [...new Map(faults.map((f) => [f.name, f])).values()];
  const unique = dedupe(choices);
  return { faults: kinds, choices: unique, promised: unique };
}

function dedupe(choices: FaultChoice[]): FaultChoice[] {
  const seen = new Set<string>();
  return choices.filter((c) => {
    const key = `${c.fault.name}@${c.role ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
