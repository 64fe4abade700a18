/**
 * Drills a Python subject built on kits/python/drills.py through the CLI:
 * the verdict, the node logs, and what the run must not leave behind (its
 * processes, tagged programs, password files).
 */
import assert from "node:assert/strict";
import { cli } from "./cli_helper.ts";
import { leftoverProcesses } from "./run_helper.ts";
import type { RunResult } from "../../lib/report/result.ts";

/** What one drill showed. */
export interface KitDrill {
  code: number;
  output: string;
  result: RunResult;
  nodeLogs: string;
  /** Programs of this run still alive after it (none may be). */
  left: number[];
}

/** The path of a fixture program in test/fixtures/exec/. */
export const fixture = (name: string) =>
  new URL(`../fixtures/exec/${name}`, import.meta.url).pathname;

/** Live processes (not the runner) whose command line holds `text`. */
export function programsWith(text: string): number[] {
  const found: number[] = [];
  for (const p of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(p.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${p.name}/cmdline`).replaceAll("\0", " ");
      const stat = Deno.readTextFileSync(`/proc/${p.name}/stat`);
      const zombie = stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
      if (cmd.includes(text) && !cmd.includes("main.ts") && !zombie) found.push(Number(p.name));
    } catch { /* gone */ }
  }
  return found;
}

/** Runs `scenario` on `python3 <program> <flags>` with `args`; asserts no etcd or node outlived it. */
export async function drillKit(
  scenario: string,
  program: string,
  o: { flags?: string[]; args: string[] },
): Promise<KitDrill> {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  const tag = `drills-tag-${crypto.randomUUID()}`;
  const subject = ["exec:python3", fixture(program), ...(o.flags ?? []), "--tag", tag].join(" ");
  try {
    const r = await cli([scenario, "--subject", subject, ...o.args, "--out", out, "--quiet"]);
    const dirs = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    assert.equal(dirs.length, 1, r.stdout + r.stderr);
    let result: RunResult;
    try {
      result = JSON.parse(await Deno.readTextFile(`${dirs[0]}/results.json`));
    } catch {
      throw new Error(`no results.json: ${r.stdout}${r.stderr}`);
    }
    let nodeLogs = "";
    for (const log of [...Deno.readDirSync(`${dirs[0]}/nodes`)].map((e) => e.name).sort()) {
      nodeLogs += await Deno.readTextFile(`${dirs[0]}/nodes/${log}`);
    }
    assert.deepEqual(leftoverProcesses(out), []);
    return { code: r.code, output: r.stdout + r.stderr, result, nodeLogs, left: programsWith(tag) };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** The check of that name in a result. */
export const checkOf = (r: KitDrill, name: string) => {
  const c = r.result.checks.find((c) => c.name === name);
  assert.ok(c, `no check ${name}: ${r.result.checks.map((c) => c.name)}`);
  return c;
};
