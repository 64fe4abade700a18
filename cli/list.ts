/** `deno task run --list`: scenarios with their subjects and roles, and every fault. */
import { loadScenario } from "../lib/runner/load_scenario.ts";
import type { ScenarioRegistry } from "../lib/runner/load_scenario.ts";
import type { Fault } from "../lib/faults/fault.ts";

/** Prints the list. */
export async function list(scenarios: ScenarioRegistry, faults: readonly Fault[]): Promise<void> {
  console.log("scenarios:");
  for (const name of Object.keys(scenarios)) {
    const { scenario } = await loadScenario(name, scenarios);
    console.log(`  ${name.padEnd(16)} ${scenario.description}`);
    for (const [s, d] of Object.entries(scenario.subjects)) {
      console.log(`    --subject ${s.padEnd(10)} ${d}`);
    }
    console.log(`    roles: ${[...new Set(scenario.layout(undefined))].join(", ")}`);
  }
  console.log("faults:");
  const width = Math.max(16, ...faults.map((f) => f.name.length));
  for (const f of faults) {
    const side = f.apiOnly ? `${f.side}, api` : f.side;
    console.log(`  ${f.name.padEnd(width)} [${side}] ${f.description}`);
  }
  console.log(
    `  ${
      "./my_fault.ts".padEnd(width)
    } [plugin] a module whose default export is a Fault (docs/faults.md)`,
  );
}
