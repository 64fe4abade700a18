/**
 * The docs cannot drift from the code: without starting a cluster, this checks README.md,
 * docs/*.md and every scenarios/<name>/FINDINGS.md.
 *
 * - every relative link resolves to an existing file (and a `#anchor` into a Markdown file to
 *   one of its headings);
 * - every `deno task run …` command line of a ```sh block runs with `--dry-run` appended (the CLI
 *   in this process: it checks everything and starts nothing) and exits 0; the files an operator
 *   brings (--cacert, --cert, --key, --password-file) are stood in for by empty files;
 * - every `deno task NAME` of a ```sh block names a task of deno.json;
 * - every ```json block parses;
 * - every ```ts block is either a file under examples/ (its first line is `// examples/x.ts`, and
 *   the block is that file, byte for byte) or is type-checked, written to a temp file whose
 *   imports of `…/mod.ts` point at this checkout's mod.ts; the examples are type-checked too.
 */
import { splitFaultEntry } from "../../lib/faults/choices.ts";
import assert from "node:assert/strict";
import { FLAGS } from "../../cli/flags.ts";
import { main } from "../../cli/main.ts";
import { FAULTS } from "../../chaos/mod.ts";
import { BUILTIN_SCENARIOS } from "../../scenarios/mod.ts";

const ROOT = new URL("../../", import.meta.url);
const root = ROOT.pathname;

/** One fenced code block of a Markdown file. */
interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
}

/** The Markdown files the docs are made of, repository-relative. */
async function docFiles(): Promise<string[]> {
  const files = ["README.md"];
  for await (const e of Deno.readDir(new URL("docs/", ROOT))) {
    if (e.isFile && e.name.endsWith(".md")) files.push(`docs/${e.name}`);
  }
  for await (const e of Deno.readDir(new URL("scenarios/", ROOT))) {
    if (!e.isDirectory) continue;
    const path = `scenarios/${e.name}/FINDINGS.md`;
    if (await exists(path)) files.push(path);
  }
  return files.sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(new URL(path, ROOT));
    return true;
  } catch {
    return false;
  }
}

/** The fenced blocks of a Markdown text, and the text outside them (code blocks blanked). */
function split(file: string, text: string): { blocks: Block[]; prose: string } {
  const blocks: Block[] = [];
  const prose: string[] = [];
  let open: Block | undefined;
  text.split("\n").forEach((line, i) => {
    const fence = /^\s*```\s*([\w-]*)/.exec(line);
    if (open) {
      if (fence && line.trim() === "```") {
        blocks.push(open);
        open = undefined;
      } else open.text += line + "\n";
      prose.push("");
    } else if (fence) {
      open = { file, line: i + 1, lang: fence[1], text: "" };
      prose.push("");
    } else prose.push(line.replace(/`[^`]*`/g, ""));
  });
  assert.equal(open, undefined, `${file}: a code block opened at line ${open?.line} never closes`);
  return { blocks, prose: prose.join("\n") };
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings (read from the raw text: code spans count). */
async function headingAnchors(path: string): Promise<Set<string>> {
  const text = await Deno.readTextFile(new URL(path, ROOT));
  const lines = text.split("\n");
  const prose = split(path, text).prose.split("\n");
  const out = new Set<string>();
  const seen = new Map<string, number>();
  lines.forEach((line, i) => {
    if (prose[i] === "" && line !== "") return; // inside a code block
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (!h) return;
    const s = slug(h[1].replace(/`/g, ""));
    const n = seen.get(s) ?? 0;
    out.add(n === 0 ? s : `${s}-${n}`);
    seen.set(s, n + 1);
  });
  return out;
}

/** The shell words of one command line (quotes honoured, a `#` word starts a comment). */
function words(line: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word = (word ?? "") + ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word = word ?? "";
    } else if (/\s/.test(ch)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (ch === "#" && word === undefined) break;
    else word = (word ?? "") + ch;
  }
  if (word !== undefined) out.push(word);
  return out;
}

/** The command lines of a sh block, continuation lines joined. */
function commandLines(text: string): string[] {
  return text.replace(/\\\n/g, " ").split("\n").filter((l) => l.trim() !== "");
}

/** A `deno task run` command line: its environment assignments and the arguments after `run`. */
function taskRun(line: string): { env: Record<string, string>; args: string[] } | undefined {
  const w = words(line);
  const env: Record<string, string> = {};
  while (w.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(w[0])) {
    const [k, ...v] = w.shift()!.split("=");
    env[k] = v.join("=");
  }
  const at = w.findIndex((x, i) => x === "task" && w[i + 1] === "run" && /deno/.test(w[i - 1]));
  return at < 0 ? undefined : { env, args: w.slice(at + 2) };
}

const OPERATOR_FILES = new Set(["--cacert", "--cert", "--key", "--password-file"]);

const files = await docFiles();
const texts = new Map(
  await Promise.all(
    files.map(async (f) => [f, await Deno.readTextFile(new URL(f, ROOT))] as const),
  ),
);
const blocks = files.flatMap((f) => split(f, texts.get(f)!).blocks);

Deno.test("docs: the files are there and README is a guide of under 200 lines", () => {
  for (const f of ["README.md", "docs/scenarios.md", "docs/faults.md", "docs/checks.md"]) {
    assert.ok(texts.has(f), `${f} is missing`);
  }
  const lines = texts.get("README.md")!.split("\n").length;
  assert.ok(lines < 200, `README.md has ${lines} lines: move reference to docs/`);
});

Deno.test("docs: every relative link resolves to a file, and an anchor to a heading", async () => {
  const broken: string[] = [];
  let checked = 0;
  for (const f of files) {
    const { prose } = split(f, texts.get(f)!);
    const dir = f.includes("/") ? f.slice(0, f.lastIndexOf("/") + 1) : "";
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      checked++;
      const [path, anchor] = target.split("#");
      const to = path === "" ? f : new URL(dir + path, ROOT).pathname.slice(root.length);
      if (!(await exists(to))) {
        broken.push(`${f}: ${target} (no file ${to})`);
        continue;
      }
      if (anchor !== undefined && to.endsWith(".md")) {
        if (!(await headingAnchors(to)).has(anchor)) {
          broken.push(`${f}: ${target} (no heading #${anchor} in ${to})`);
        }
      }
    }
  }
  assert.ok(checked > 20, `links were found (${checked})`);
  assert.deepEqual(broken, []);
});

Deno.test("docs: a broken link and a missing anchor are caught", async () => {
  const { prose } = split("x.md", "see [a](docs/nope.md) and `[b](not/a/link.md)`\n");
  assert.deepEqual([...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]), ["docs/nope.md"]);
  assert.equal(await exists("docs/nope.md"), false);
  assert.equal((await headingAnchors("README.md")).has("no-such-heading"), false);
  assert.equal(slug("Cluster kinds: `process`"), "cluster-kinds-process");
});

Deno.test("docs: every deno task a sh block names is a task of deno.json", async () => {
  const tasks = Object.keys(
    JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))).tasks as object,
  );
  const unknown: string[] = [];
  for (const b of blocks.filter((b) => b.lang === "sh")) {
    for (const line of commandLines(b.text)) {
      const w = words(line);
      w.forEach((x, i) => {
        if (x === "task" && /deno/.test(w[i - 1] ?? "") && !tasks.includes(w[i + 1])) {
          unknown.push(`${b.file}:${b.line}: ${line.trim()}`);
        }
      });
    }
  }
  assert.deepEqual(unknown, []);
});

Deno.test("docs: every sh block's words are read as a shell would", () => {
  assert.deepEqual(
    taskRun(`X_Y=1 npx -y deno@2.9.6 task run lock --subject 'exec:python3 a.py' # why`),
    { env: { X_Y: "1" }, args: ["lock", "--subject", "exec:python3 a.py"] },
  );
  assert.deepEqual(commandLines("a \\\n  b\n\nc\n"), ["a    b", "c"]);
  assert.equal(taskRun("npx -y deno@2.9.6 task test"), undefined);
});

const runLines = blocks.filter((b) => b.lang === "sh").flatMap((b) =>
  commandLines(b.text).flatMap((line) => {
    const run = taskRun(line);
    return run ? [{ where: `${b.file}:${b.line}`, line: line.trim(), ...run }] : [];
  })
);
/**
 * The command lines once each (the docs repeat some): what --dry-run runs. A line whose arguments
 * hold a shell variable names something of the reader's (`exec:$PWD/my-watcher`, built by the
 * line before): it is checked for its flags, not run.
 */
const distinctRunLines = [
  ...new Map(
    runLines.filter((r) => !r.args.some((a) => a.includes("$")))
      .map((r) => [JSON.stringify([r.env, r.args]), r]),
  ).values(),
];

Deno.test("docs: every deno task run line names declared flags, a scenario and built-in faults", async () => {
  assert.ok(runLines.length > 10, `command lines were found (${runLines.length})`);
  const flags = new Set<string>(FLAGS.map((f) => f.name));
  const faults = new Set(FAULTS.map((f) => f.name));
  const bad: string[] = [];
  for (const r of runLines) {
    const [target] = r.args;
    const known = target === "all" || target in BUILTIN_SCENARIOS || target?.startsWith("--") ||
      await exists(target ?? "");
    if (!known) bad.push(`${r.where}: no scenario or plugin "${target}"`);
    r.args.forEach((a, i) => {
      const name = /^--([\w-]+)/.exec(a)?.[1];
      if (name && !flags.has(name)) bad.push(`${r.where}: undeclared flag --${name}`);
      if (r.args[i - 1] !== "--faults") return;
      for (const f of a.split(",")) {
        const name = splitFaultEntry(f).name; // flap-node@discoverer aims flap-node
        const ok = faults.has(name) || f === "all" || f === "none" || f.endsWith(".ts");
        if (!ok) bad.push(`${r.where}: no fault "${f}"`);
      }
    });
    for (const [i, a] of r.args.entries()) {
      const prev = r.args[i - 1];
      if (
        (prev === "--faults" || prev === "--subject" || prev === "--faults-file") &&
        /^\.?\.?\//.test(a)
      ) {
        for (const path of a.split(",").filter((p) => p.startsWith("."))) {
          if (!(await exists(path))) bad.push(`${r.where}: no file ${path}`);
        }
      }
      if (prev === "--faults-file" && !(await exists(a))) bad.push(`${r.where}: no file ${a}`);
    }
  }
  assert.deepEqual(bad, []);
});

Deno.test(`docs: every deno task run line of a sh block passes --dry-run (${distinctRunLines.length} distinct)`, async () => {
  const scratch = await Deno.makeTempDir({ prefix: "drills-docs-" });
  const log = console.log;
  const cwd = Deno.cwd();
  try {
    Deno.chdir(root);
    console.log = () => {}; // the plans it prints
    const failed: string[] = [];
    for (const r of distinctRunLines) {
      const args = await Promise.all(r.args.map(async (a, i) => {
        if (!OPERATOR_FILES.has(r.args[i - 1] ?? "") || await exists(a)) return a;
        const stand = `${scratch}/${a.replace(/\W/g, "_")}`;
        await Deno.writeTextFile(stand, "stand-in\n");
        return stand;
      }));
      for (const [k, v] of Object.entries(r.env)) Deno.env.set(k, v);
      try {
        const code = await main([...args, "--dry-run"]);
        if (code !== 0) failed.push(`${r.where}: ${r.line}\n  exit ${code}`);
      } catch (e) {
        failed.push(`${r.where}: ${r.line}\n  ${e instanceof Error ? e.message : e}`);
      } finally {
        for (const k of Object.keys(r.env)) Deno.env.delete(k);
      }
    }
    assert.deepEqual(failed, []);
  } finally {
    console.log = log;
    Deno.chdir(cwd);
    await Deno.remove(scratch, { recursive: true });
  }
});

Deno.test("docs: every json block parses", () => {
  const json = blocks.filter((b) => b.lang === "json");
  assert.ok(json.length > 0, "json blocks were found");
  for (const b of json) {
    assert.doesNotThrow(() => JSON.parse(b.text), `${b.file}:${b.line}: not JSON`);
  }
});

Deno.test("docs: every ts block is an example file as it is, or type-checks", async () => {
  const ts = blocks.filter((b) => b.lang === "ts");
  assert.ok(ts.length > 0, "ts blocks were found");
  const scratch = await Deno.makeTempDir({ prefix: "drills-docs-ts-" });
  try {
    const toCheck: string[] = [];
    const differ: string[] = [];
    for (const [i, b] of ts.entries()) {
      const named = /^\/\/ (examples\/[\w./-]+\.ts)\n/.exec(b.text);
      if (named) {
        const file = await Deno.readTextFile(new URL(named[1], ROOT)).catch(() => undefined);
        if (file !== b.text) differ.push(`${b.file}:${b.line}: differs from ${named[1]}`);
        continue;
      }
      const path = `${scratch}/block_${i}.ts`;
      const text = b.text.replace(/(["'])[^"']*\bmod\.ts\1/g, `"${ROOT.href}mod.ts"`);
      await Deno.writeTextFile(path, text);
      toCheck.push(path);
    }
    assert.deepEqual(differ, []);
    for await (const e of Deno.readDir(new URL("examples/", ROOT))) {
      if (e.name.endsWith(".ts")) toCheck.push(`${root}examples/${e.name}`);
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", `${root}deno.json`, ...toCheck],
      cwd: root,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
});
