/**
 * For tests of subjects that start programs (etcdctl, a built Go program):
 * a run whose directory is kept until the test has looked at it, and the
 * processes still running that belong to a run (its key prefix in their
 * command line or environment).
 */
import { cli } from "./cli_helper.ts";
import type { CliResult } from "./cli_helper.ts";
import type { RunResult } from "../../lib/runner/run.ts";

/** A finished run: what the CLI said, results.json and the history's events. */
export interface KeptRun extends CliResult {
  result?: RunResult;
  events: Record<string, unknown>[];
}

/** Runs the CLI into a fresh out dir, reads what the run left, removes the dir. */
export async function runAndRead(
  args: string[],
  env: Record<string, string> = {},
): Promise<KeptRun> {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const r = await cli([...args, "--out", out, "--quiet"], env);
    const dirs = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    let result: RunResult | undefined;
    let events: Record<string, unknown>[] = [];
    if (dirs.length === 1) {
      try {
        result = JSON.parse(await Deno.readTextFile(`${dirs[0]}/results.json`));
      } catch { /* no results: the run failed before checking */ }
      try {
        events = (await Deno.readTextFile(`${dirs[0]}/history.ndjson`)).split("\n")
          .filter((l) => l.trim()).map((l) => JSON.parse(l));
      } catch { /* no history */ }
    }
    return { ...r, result, events };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** The run's key prefix (`/drills/<scenario>/<run>/`), read from a key one of its operations names. */
export function runPrefix(events: Record<string, unknown>[]): string | undefined {
  for (const e of events) {
    const m = /\/drills\/[^/"]+\/[^/"]+\//.exec(JSON.stringify(e.value ?? ""));
    if (m) return m[0];
  }
  return undefined;
}

/** Processes whose command line or environment mention `text` (their pid and command). */
export function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const p of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(p.name) || Number(p.name) === Deno.pid) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${p.name}/cmdline`).replaceAll("\0", " ");
      const env = Deno.readTextFileSync(`/proc/${p.name}/environ`);
      if (cmd.includes(text) || env.includes(text)) found.push(`${p.name}: ${cmd.slice(0, 200)}`);
    } catch { /* gone, or not ours to read */ }
  }
  return found;
}
