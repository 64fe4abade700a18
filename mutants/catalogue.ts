/**
 * The catalogue of mutants: every built-in scenario's own list
 * (`scenarios/<name>/mutants/mod.ts`), gathered from the scenario registry, so
 * a scenario adds mutants by writing files in its own folder.
 */
import { BUILTIN_SCENARIOS } from "../scenarios/mod.ts";
import type { Mutant } from "../lib/scenario/mutant.ts";

export type { Mutant } from "../lib/scenario/mutant.ts";

async function gather(): Promise<Mutant[]> {
  const all: Mutant[] = [];
  for (const url of Object.values(BUILTIN_SCENARIOS)) {
    const list = new URL("./mutants/mod.ts", url);
    try {
      await Deno.stat(list);
    } catch {
      continue; // a scenario without mutants yet
    }
    all.push(...((await import(list.href)) as { MUTANTS: Mutant[] }).MUTANTS);
  }
  return all;
}

/** Every mutant, by scenario in the registry's order. */
export const MUTANTS: Mutant[] = await gather();
