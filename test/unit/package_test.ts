/**
 * The package as another repository sees it: deno.json names it, versions it and exports the
 * library and the CLI; every symbol mod.ts exports is documented (`deno doc --lint` is clean),
 * and that lint does fail on an undocumented export, so a clean run means something.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Runs `deno doc --lint` on `module` from `cwd`; the exit code and what it printed. */
async function docLint(module: string, cwd: string): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", module],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

Deno.test("package: deno.json names, versions, licenses and exports lib and CLI", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  assert.match(config.name, /^@[a-z0-9-]+\/[a-z0-9-]+$/, "name: a scoped package name");
  assert.match(config.version, /^\d+\.\d+\.\d+/, "version: semver");
  assert.equal(config.license, "MIT");
  assert.equal(config.exports["."], "./mod.ts");
  assert.equal(config.exports["./cli"], "./main.ts");
  for (const path of Object.values<string>(config.exports)) {
    assert.ok((await Deno.stat(`${ROOT}${path}`)).isFile, `export ${path} exists`);
  }
});

Deno.test("package: deno doc --lint mod.ts is clean", async () => {
  const { code, output } = await docLint("mod.ts", ROOT);
  assert.equal(
    code,
    0,
    `deno doc --lint mod.ts found problems: document each symbol it names (what it is, why) or ` +
      `export the type it says is private:\n${output}`,
  );
});

Deno.test("package: deno doc --lint fails on an undocumented export", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-drills-doclint-" });
  try {
    await Deno.writeTextFile(`${dir}/mod.ts`, "export const undocumented = 1;\n");
    const { code, output } = await docLint("mod.ts", dir);
    assert.notEqual(code, 0, output);
    assert.match(output, /missing-jsdoc/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
