/**
 * The layout's promise, checked: imports between the project's parts only point down (the kernel
 * never reaches chaos/, scenarios/ or the tools above it; inside the kernel each floor imports only
 * the floors below), and no module imports itself through a cycle. Tests and their helpers may import
 * anything: they are the top floor.
 */
import assert from "node:assert/strict";
import { cycles, importGraph, upArrows } from "../helpers/import_graph.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("layers: every import of non-test code points to its own floor or one below", async () => {
  const graph = await importGraph(ROOT);
  assert.ok(graph.size > 150, `the graph covers the code (${graph.size} files)`);
  const up = upArrows(graph);
  assert.deepEqual(up, [], `imports that run back up:\n${up.join("\n")}`);
});

Deno.test("layers: no import cycle between modules", async () => {
  assert.deepEqual(cycles(await importGraph(ROOT)), []);
});

Deno.test("layers: an arrow that runs up and a cycle are caught", () => {
  const graph = new Map([
    ["lib/proc/cleanup.ts", ["lib/runner/run.ts"]],
    ["lib/runner/run.ts", ["lib/proc/cleanup.ts", "chaos/mod.ts"]],
    ["chaos/mod.ts", []],
    ["scenarios/lock/test/lock_test.ts", ["main.ts"]],
  ]);
  assert.deepEqual(upArrows(graph), [
    "lib/proc/cleanup.ts (lib/proc) -> lib/runner/run.ts (lib/runner)",
    "lib/runner/run.ts (lib/runner) -> chaos/mod.ts (chaos)",
  ]);
  assert.deepEqual(cycles(graph), [
    "lib/proc/cleanup.ts -> lib/runner/run.ts -> lib/proc/cleanup.ts",
  ]);
});
