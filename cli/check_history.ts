/**
 * `deno task check-history`: checks histories for linearizability: Jepsen
 * register logs (`--model register`) or the project's history.ndjson of the
 * `kv` scenario (`--model kv`).
 */
import { parseArgs } from "node:util";
import { basename, join } from "node:path";
import { checkFile, FILE_MODELS, type FileModel } from "../lib/linearizability/check_file.ts";
import type { CheckResult } from "../lib/linearizability/check.ts";
import { InputError } from "../lib/linearizability/input_error.ts";
import { formatResult } from "../lib/linearizability/format_text.ts";
import { reportHtml } from "../lib/linearizability/report_html.ts";

const HELP = `deno task check-history --model register|kv [--out DIR] [--budget 10s] FILE...

Checks each history for linearizability (a Wing–Gong–Lowe search, partitioned by key).
  --model register   Jepsen register logs: INFO  jepsen.util - PROC<TAB>:invoke|:ok|:fail|:info<TAB>:read|:write|:cas<TAB>VALUE
  --model kv         the project's history.ndjson of the kv scenario (lib/linearizability/README.md)
  --out DIR          also write result.json and report.html (in DIR/<file name>/ when several files)
  --budget 10s       search time per file (ms, s or m); a search that runs out says unknown, never linearizable

One file: the verdict and the counterexample. Several: one line per file, FILE<TAB>verdict, then the total time.
Exit: 0 all linearizable, 1 any not linearizable, 2 unreadable input or bad flags, 3 any unknown (and none of 1, 2).`;

/** Parses a duration: 500ms, 10s, 2m, or a number of seconds. */
export function parseBudget(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
}

function usage(message: string): never {
  console.error(`check-history: ${message}`);
  Deno.exit(2);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      options: {
        model: { type: "string" },
        out: { type: "string" },
        budget: { type: "string", default: "10s" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
  } catch (e) {
    usage(`${e instanceof Error ? e.message : e}; see --help`);
  }
  const { values, positionals: files } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.model || !(FILE_MODELS as readonly string[]).includes(values.model)) {
    usage(`give --model register or --model kv (see --help)`);
  }
  const budgetMs = parseBudget(values.budget ?? "10s");
  if (budgetMs === null || budgetMs <= 0) {
    usage(`--budget takes a duration such as 500ms, 10s or 2m`);
  }
  if (files.length === 0) usage(`give at least one history file (see --help)`);
  const model = values.model as FileModel;
  const t0 = performance.now();
  let worst = 0;
  const rank = (code: number) => [0, 2, 3, 1][code] ?? 3; // 2 > 1 > 3 > 0
  for (const file of files) {
    let result: CheckResult;
    try {
      result = await checkFile(file, { model, budgetMs });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const where = e.line !== undefined ? `${file}:${e.line}` : file;
      console.error(`${where}: ${e.message.replace(/^line \d+: /, "")}`);
      if (files.length > 1) console.log(`${file}\tunreadable`);
      worst = 2;
      continue;
    }
    const code = result.verdict === "linearizable"
      ? 0
      : result.verdict === "not linearizable"
      ? 1
      : 3;
    if (rank(code) > rank(worst)) worst = code;
    if (files.length === 1) console.log(`${file}: ${formatResult(result)}`);
    else console.log(`${file}\t${result.verdict}`);
    if (values.out) {
      const dir = files.length === 1 ? values.out : join(values.out, basename(file));
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(
        join(dir, "result.json"),
        JSON.stringify({ file, ...result }, null, 2) + "\n",
      );
      await Deno.writeTextFile(join(dir, "report.html"), reportHtml(result, file));
    }
  }
  if (files.length > 1) console.log(`total ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return worst;
}

if (import.meta.main) Deno.exit(await main());
