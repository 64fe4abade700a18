/** The `--help` text of `deno task run`, its options generated from cli/flags.ts. */
import { FLAGS } from "./flags.ts";
import type { FlagSpec } from "./flags.ts";

const WIDTH = 100;
const COLUMN = 23;

/** The help, for the built-in scenario names given. */
export function helpText(scenarios: readonly string[]): string {
  const options = (FLAGS as readonly FlagSpec[]).map(flagHelp).join("\n");
  return `etcd-drills: drill etcd use cases under faults and check they keep their promises.

Usage:
  deno task run <scenario | ./plugin.ts | all> [options]
  deno task run --list
  deno task run --help

Scenarios: ${scenarios.join(", ")}
  (all: every scenario × subject it expects a verdict for)

Options:
${options}

Exit codes: 0 valid, 1 invalid or unknown, 2 bad input or the harness failed.
Each run leaves a directory with history.ndjson, results.json, report.html, final.json, etcd/ and
nodes/ logs. Guide: README.md; reference: docs/.`;
}

function flagHelp(f: FlagSpec): string {
  const name = `${f.short ? `-${f.short}, ` : ""}--${f.name}${f.arg ? ` ${f.arg}` : ""}`;
  const scope = f.runs === "all" ? 'with "all": ' : "";
  const words = `${scope}${f.help}`.split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && COLUMN + line.length + 1 + w.length > WIDTH) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  lines.push(line);
  const head = `  ${name}`;
  const indent = " ".repeat(COLUMN);
  return [
    head.length < COLUMN - 1
      ? `${head.padEnd(COLUMN)}${lines[0]}`
      : `${head}\n${indent}${lines[0]}`,
    ...lines.slice(1).map((l) => `${indent}${l}`),
  ].join("\n");
}
