/**
 * One run of the CLI in a runner process of its own, for tools that make many
 * runs (bench's power section, the mutants): whatever ends that process (a
 * crash inside Deno's HTTP/2 code, see README "Known limits") costs that run
 * alone, not the whole measurement.
 */
import type { RunResult } from "../lib/report/result.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** What a child run came to: its results.json when it wrote one, else why not. */
export interface ChildRun {
  result?: RunResult;
  /** The run directory (below the given out dir), when one was made. */
  dir?: string;
  code: number;
  signal: Deno.Signal | null;
  /** The last line the runner wrote to stderr (the reason, when there is no result). */
  lastError: string;
}

/** Runs `deno run -A main.ts ...args --out outDir --quiet` and reads the one run directory made. */
export async function runInChild(args: readonly string[], outDir: string): Promise<ChildRun> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args, "--out", outDir, "--quiet"],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const name = [...Deno.readDirSync(outDir)].find((e) => e.isDirectory)?.name;
  const dir = name ? `${outDir}/${name}` : undefined;
  let result: RunResult | undefined;
  try {
    result = dir ? JSON.parse(await Deno.readTextFile(`${dir}/results.json`)) : undefined;
  } catch { /* the run stopped before its verdict */ }
  const lastError = new TextDecoder().decode(r.stderr).trim().split("\n").at(-1) ?? "";
  return { result, dir, code: r.code, signal: r.signal, lastError };
}
