/**
 * The project's static import graph (relative imports of .ts files), and the floor each file is
 * on. Used by the layering test; `deno run -A test/helpers/import_graph.ts` prints the arrows
 * between parts with their counts.
 */

/** The floors, bottom first: a file may import its own floor and those below it. */
export const LAYERS = [
  "lib/proc",
  "lib/history",
  "lib/checks",
  "lib/linearizability",
  "lib/net",
  "lib/cluster",
  "lib/node",
  "lib/recipes",
  "lib/scenario",
  "lib/subjects",
  "lib/faults",
  "lib/report",
  "lib/runner",
  "chaos",
  "go",
  "scenarios",
  "cli",
  "main",
  "mutants",
  "bench",
  "examples",
] as const;

/** One floor of {@link LAYERS}. */
export type Layer = typeof LAYERS[number];

/** The floor of a repository-relative path; undefined for tests, test helpers and fixtures. */
export function layerOf(path: string): Layer | undefined {
  if (path.startsWith("test/") || /(^|\/)test\//.test(path) || path.endsWith("_test.ts")) {
    return undefined;
  }
  if (path.startsWith("lib/")) {
    const floor = path.split("/").slice(0, 2).join("/");
    return (LAYERS as readonly string[]).includes(floor) ? floor as Layer : undefined;
  }
  if (!path.includes("/")) return "main"; // main.ts, mod.ts, clean.ts: the entry points
  const top = path.split("/")[0];
  return (LAYERS as readonly string[]).includes(top) ? top as Layer : undefined;
}

const IMPORT = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+\.ts)["']/g;

/** File → the files it imports (relative to `root`), over every .ts file outside node_modules. */
export async function importGraph(root: string): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for await (const path of walk(root, "")) {
    const text = await Deno.readTextFile(root + path);
    const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
    const targets = [...text.matchAll(IMPORT)].map((m) => normalize(dir + m[1]));
    graph.set(path, [...new Set(targets)]);
  }
  return graph;
}

async function* walk(root: string, dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(root + dir)) {
    if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "runs") continue;
    const path = dir + e.name;
    if (e.isDirectory) yield* walk(root, path + "/");
    else if (e.isFile && path.endsWith(".ts")) yield path;
  }
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== ".") out.push(part);
  }
  return out.join("/");
}

/** The imports of non-test code that run back up, one line each. */
export function upArrows(graph: Map<string, string[]>): string[] {
  const up: string[] = [];
  for (const [from, targets] of graph) {
    const a = layerOf(from);
    if (a === undefined) continue;
    for (const to of targets) {
      const b = layerOf(to);
      if (b !== undefined && LAYERS.indexOf(b) > LAYERS.indexOf(a)) {
        up.push(`${from} (${a}) -> ${to} (${b})`);
      }
    }
  }
  return up;
}

/** Every import cycle found by a depth-first walk, as `a -> b -> a`. */
export function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, "open");
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === "open") found.push([...stack.slice(stack.indexOf(t)), t].join(" -> "));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

if (import.meta.main) {
  const graph = await importGraph(new URL("../../", import.meta.url).pathname);
  const arrows = new Map<string, number>();
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const [a, b] = [layerOf(from), layerOf(to)];
      if (a && b && a !== b) {
        const up = LAYERS.indexOf(b) > LAYERS.indexOf(a) ? "  UP" : "";
        const key = `${a} -> ${b}${up}`;
        arrows.set(key, (arrows.get(key) ?? 0) + 1);
      }
    }
  }
  for (const [k, n] of [...arrows].sort()) console.log(`${k} ${n}`);
}
