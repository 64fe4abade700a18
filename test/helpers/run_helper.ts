import assert from "node:assert/strict";
import { cli } from "./cli_helper.ts";
import type { CliResult } from "./cli_helper.ts";
import type { RunResult } from "../../lib/report/result.ts";

/** Runs a scenario through the CLI into a fresh out dir; returns the exit, the output and results.json. */
export async function runCli(args: string[]): Promise<CliResult & { result?: RunResult }> {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const r = await cli([...args, "--out", out, "--quiet"]);
    const dirs = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    let result: RunResult | undefined;
    if (dirs.length === 1) {
      try {
        result = JSON.parse(await Deno.readTextFile(`${dirs[0]}/results.json`));
      } catch { /* no results: the run failed before checking */ }
    }
    return { ...r, result };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/**
 * A resource-safety check's lost updates: at least one, and the first seen
 * from two acknowledged writes names two different nodes. (A lost update
 * etcd's record shows over a write of unknown outcome names only the writer;
 * the evidence may start with one of those.)
 */
export function assertLostUpdateBetweenNodes(safety: { evidence?: unknown[] }): void {
  type Lost = { violation: string; overwritten?: { node: string }; by: { node: string } | string };
  const lost = (safety.evidence ?? []).filter((e) => (e as Lost).violation === "lost update");
  assert.ok(lost.length > 0, "no lost update in the evidence");
  const pair = lost.find((e) => (e as Lost).overwritten) as Lost | undefined;
  if (pair) assert.notEqual(pair.overwritten!.node, (pair.by as { node: string }).node);
  else assert.match(JSON.stringify(lost[0]), /etcd's record: the put at revision \d+/);
}

/** etcd or node processes of runs below `outDir` still running (none may outlive a run). */
export function leftoverProcesses(outDir: string): string[] {
  const found: string[] = [];
  for (const p of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(p.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${p.name}/cmdline`).replaceAll("\0", " ");
      const ours = /(^|\/)etcd .*--name m\d/.test(cmd) || cmd.includes("node_main.ts");
      if (ours && cmd.includes(outDir)) found.push(`${p.name}: ${cmd}`);
    } catch { /* gone */ }
  }
  return found;
}

/**
 * Temp dirs that runs below `outDir` made and that still exist. Each member's
 * log (kept in the run directory) names its data dir, so this sees only
 * those runs' dirs, whatever else runs on the machine.
 */
export function leftoverTempDirs(outDir: string): string[] {
  const named = new Set<string>();
  for (const run of Deno.readDirSync(outDir)) {
    let logs: Deno.DirEntry[];
    try {
      logs = [...Deno.readDirSync(`${outDir}/${run.name}/etcd`)];
    } catch {
      continue;
    }
    for (const log of logs) {
      const text = Deno.readTextFileSync(`${outDir}/${run.name}/etcd/${log.name}`);
      for (const m of text.matchAll(/\/etcd-drills-[0-9a-f]+(?=\/)/g)) named.add(m[0]);
    }
  }
  const root = Deno.env.get("TMPDIR") ?? "/tmp";
  return [...named].filter((d) => {
    try {
      Deno.statSync(`${root}${d}`);
      return true;
    } catch {
      return false;
    }
  });
}

/** What one `run all --only …` gave: its exit and output, and each pair's results and history. */
export interface PairsRun extends CliResult {
  /** By `scenario/subject`, as run all's table names the pairs. */
  results: Map<string, RunResult>;
  events: Map<string, Record<string, unknown>[]>;
}

/**
 * `run all --only <pairs> --expect` run once, however many tests read it:
 * the pairs run at once (node-fault pairs on one cluster), with what their
 * expectations pin, so each test judges exactly what `run all` promises,
 * and a file of them costs one runner and one cluster instead of one each.
 * The first test to ask waits for the run; the others read what it left.
 */
export function pairsRunOnce(pairs: string[], extra: string[] = []): PairsOnce {
  let run: Promise<PairsRun> | undefined;
  return Object.assign(() => run ??= runPairsCli(pairs, extra), { names: pairs });
}

/** {@link pairsRunOnce}'s run, and the pairs it names. */
export type PairsOnce = (() => Promise<PairsRun>) & { names: readonly string[] };

/** The test every file of pairs has: run all's exit 0, every verdict matched, a result for each pair. */
export function pairsMatchTest(name: string, pairs: PairsOnce): void {
  Deno.test(`${name}: run all's pinned pairs match their expectations`, async () => {
    const r = await pairs();
    assert.equal(r.code, 0, r.stdout + r.stderr + unexpectedChecks(r.results));
    assert.match(r.stdout, /every verdict matched its expectation/);
    assert.deepEqual([...r.results.keys()].sort(), [...pairs.names].sort());
  });
}

/**
 * The checks of every pair that did not come out valid, with their first
 * evidence: a CI log of a failed run then says what was seen, though its run
 * directory is gone.
 */
export function unexpectedChecks(results: Map<string, RunResult>): string {
  const lines: string[] = [];
  for (const [name, result] of results) {
    for (const c of result.checks.filter((c) => c.valid !== true)) {
      lines.push(`${name} ${c.name} ${c.valid}: ${c.summary}`);
      for (const e of (c.evidence ?? []).slice(0, 3)) lines.push(`  ${JSON.stringify(e)}`);
    }
  }
  return lines.length ? `\nchecks not valid:\n${lines.join("\n")}\n` : "";
}

async function runPairsCli(pairs: string[], extra: string[]): Promise<PairsRun> {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const r = await cli([
      "all",
      "--only",
      pairs.join(","),
      "--expect",
      "--jobs",
      String(pairs.length),
      ...extra,
      "--out",
      out,
      "--quiet",
    ]);
    const results = new Map<string, RunResult>();
    const events = new Map<string, Record<string, unknown>[]>();
    for (const e of Deno.readDirSync(out)) {
      let result: RunResult;
      try {
        result = JSON.parse(await Deno.readTextFile(`${out}/${e.name}/results.json`));
      } catch {
        continue; // the shared cluster's directory, or a run that failed before checking
      }
      const name = `${result.scenario}/${result.subject}`;
      results.set(name, result);
      const history = await Deno.readTextFile(`${out}/${e.name}/history.ndjson`);
      events.set(name, history.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l)));
    }
    return { ...r, results, events };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}
