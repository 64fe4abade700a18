/**
 * Faults as plugins: `--faults ./my_fault.ts` (a path or a file:/https: URL)
 * names a module whose default export is a {@link Fault}, the interface the
 * built-in faults have. The runner loads it once, checks its shape, and from
 * then on it is a fault like any other (by its own name or by the spec it was
 * loaded from). Node processes never load faults.
 */
import { UsageError } from "../proc/errors.ts";
import { toFileUrl } from "../proc/paths.ts";
import type { Fault } from "./fault.ts";

/** Whether a --faults entry names a module (path or URL) rather than a built-in fault. */
export function isFaultModule(spec: string): boolean {
  return /^(https?|file):/.test(spec) || /[/\\]|\.(ts|js|mjs|tsx|jsx)$/.test(spec);
}

/** The URL of a fault module: URLs as given, paths relative to `base` (default: the current directory). */
export function faultModuleUrl(spec: string, base?: string): string {
  if (/^(https?|file):/.test(spec)) return spec;
  if (base === undefined || spec.startsWith("/")) return toFileUrl(spec);
  return new URL(spec, base).href;
}

/**
 * The problem with `value` as a fault, or undefined: every member of the
 * {@link Fault} interface, typed as it must be. `where` names it in the message.
 */
export function faultProblem(value: unknown, where: string): string | undefined {
  if (typeof value !== "object" || value === null) {
    return `${where} must be an object with name, description, side, holdMs and start, not ${
      value === undefined ? "undefined (is it the default export?)" : typeof value
    }`;
  }
  const f = value as Record<string, unknown>;
  if (typeof f.name !== "string" || !/^[a-z0-9][a-z0-9._-]*$/i.test(f.name)) {
    return `${where}.name must be a fault name (letters, digits, - . _), not ${
      JSON.stringify(f.name) ?? "undefined"
    }`;
  }
  if (typeof f.description !== "string") return `${where}.description must be a string`;
  if (f.side !== "node" && f.side !== "member") {
    return `${where}.side must be "node" or "member", not ${JSON.stringify(f.side) ?? "undefined"}`;
  }
  if (typeof f.holdMs !== "function") {
    return `${where}.holdMs must be a function (ttlMs) => [min, max]`;
  }
  if (typeof f.start !== "function") {
    return `${where}.start must be a function (world, random) => Promise<ActiveFault | undefined>`;
  }
  const hold = (f.holdMs as (ttl: number) => unknown)(2000);
  if (
    !Array.isArray(hold) || hold.length !== 2 ||
    !hold.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0) || hold[0] > hold[1]
  ) {
    return `${where}.holdMs(2000) must return [min, max] ms with 0 ≤ min ≤ max, not ${
      JSON.stringify(hold)
    }`;
  }
  return undefined;
}

/**
 * Imports a fault module and checks its default export; throws a
 * {@link UsageError} with one line naming what does not fit.
 */
export async function loadFaultModule(spec: string, base?: string): Promise<Fault> {
  let mod: { default?: unknown };
  try {
    mod = await import(faultModuleUrl(spec, base));
  } catch (e) {
    const why = String(e instanceof Error ? e.message : e).split("\n")[0];
    throw new UsageError(`cannot load fault ${spec}: ${why}: give the path or URL of a module`);
  }
  const problem = faultProblem(mod.default, `fault ${spec}: default export`);
  if (problem) throw new UsageError(`${problem} (see "Faults as plugins" in README)`);
  return mod.default as Fault;
}
