/**
 * The harness used from a user's own repository: a temp dir outside this one, with its own
 * deno.json mapping `etcd-drills/` to the harness by path, a subject module and a fault plugin
 * that import the public API from there, drilled by the CLI entry run from that directory. The
 * results land in that directory, and the nodes load the user's module under the same import map.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const EXAMPLES = new URL("../../examples/", import.meta.url).pathname;

Deno.test("outside the repository: a user's subject and fault plugin drilled through the CLI entry", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-user-repo-" });
  try {
    await Deno.writeTextFile(
      `${dir}/deno.json`,
      JSON.stringify({ imports: { "etcd-drills/": ROOT } }, null, 2),
    );
    const fromApi = (text: string) =>
      text.replaceAll(/from "(\.\.?\/)+mod\.ts"/g, 'from "etcd-drills/mod.ts"');
    await Deno.writeTextFile(
      `${dir}/my_lock.ts`,
      fromApi(await Deno.readTextFile(`${EXAMPLES}fenced_lock.ts`)),
    );
    await Deno.writeTextFile(
      `${dir}/my_fault.ts`,
      fromApi(await Deno.readTextFile(`${EXAMPLES}brief_freeze.ts`)),
    );
    for (const f of ["my_lock.ts", "my_fault.ts"]) {
      const text = await Deno.readTextFile(`${dir}/${f}`);
      assert.match(text, /from "etcd-drills\/mod\.ts"/, `${f} imports the API by the user's map`);
      assert.doesNotMatch(text, /from "\.\.?\//, `${f} has no relative import into the harness`);
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        ...["run", "-A", "--config", "deno.json", `${ROOT}main.ts`, "lock"],
        ...["--subject", "./my_lock.ts", "--faults", "./my_fault.ts,pause-node"],
        ...["--duration", "10s", "--seed", "12", "--quiet"],
      ],
      cwd: dir,
      env: { NO_COLOR: "1" },
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.notEqual(out.code, 2, `${stdout}${stderr}`);
    const runs = [...Deno.readDirSync(`${dir}/runs`)];
    assert.equal(runs.length, 1, "one run directory, in the user's directory");
    const result = JSON.parse(await Deno.readTextFile(`${dir}/runs/${runs[0].name}/results.json`));
    const check = (name: string) => result.checks.find((c: { name: string }) => c.name === name);
    assert.equal(check("faults-ran").valid, true, check("faults-ran").summary);
    assert.equal(check("resource-safety").valid, true, check("resource-safety").summary);
    assert.ok(check("resource-safety").judged > 0, "the nodes ran the user's lock");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
