import type { Scenario } from "../scenario/scenario.ts";
import { UsageError } from "../proc/errors.ts";
import { toFileUrl } from "../proc/paths.ts";

/** A scenario and the URL its node processes import. */
export interface LoadedScenario {
  scenario: Scenario;
  url: string;
}

/** Scenario name → module URL: the built-in ones, which the CLI hands in (lib/ knows none). */
export type ScenarioRegistry = Readonly<Record<string, string>>;

/** Loads a scenario of `registry` by name, or a plugin by path or URL. */
export async function loadScenario(
  nameOrPath: string,
  registry: ScenarioRegistry,
): Promise<LoadedScenario> {
  let url = Object.hasOwn(registry, nameOrPath) ? registry[nameOrPath] : undefined;
  if (!url) {
    const looksLikeModule = /^(https?|file):/.test(nameOrPath) ||
      /[/\\]|\.(ts|js|mjs)$/.test(nameOrPath);
    if (!looksLikeModule) {
      throw new UsageError(
        `unknown scenario "${nameOrPath}": choose from ${
          Object.keys(registry).join(", ")
        }, or give a plugin file (./my_scenario.ts)`,
      );
    }
    url = /^(https?|file):/.test(nameOrPath) ? nameOrPath : toFileUrl(nameOrPath);
  }
  let mod: { default?: unknown };
  try {
    mod = await import(url);
  } catch (e) {
    throw new UsageError(`cannot load scenario ${nameOrPath}: ${firstLine(e)}`);
  }
  const s = mod.default as Partial<Scenario> | undefined;
  if (
    !s || typeof s.name !== "string" || typeof s.roles !== "object" ||
    typeof s.layout !== "function" || !Array.isArray(s.checkers) || typeof s.subjects !== "object"
  ) {
    throw new UsageError(
      `${nameOrPath} has no scenario as its default export: export default an object of type Scenario (see mod.ts)`,
    );
  }
  return { scenario: s as Scenario, url };
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split("\n")[0];
}
