/** What a --tls --auth run must show: a lock that counted, and members that logged TLS and auth. */
import assert from "node:assert/strict";
import { cli } from "./cli_helper.ts";

/**
 * Runs `lock` with --tls --auth and `args` into a fresh out dir; asserts a
 * verdict that is not invalid, a safety check that judged acknowledged
 * increments, and TLS (client and peer, peers checking each other) and auth
 * in every member's log. Returns results.json.
 */
export async function secureLockRun(args: string[]): Promise<Record<string, unknown>> {
  const out = await Deno.makeTempDir({ prefix: "drills-test-secure-" });
  try {
    const r = await cli(["lock", "--tls", "--auth", ...args, "--out", out, "--quiet"]);
    assert.ok(r.code === 0 || r.code === 1, r.stdout + r.stderr);
    const [dir] = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    const result = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
    assert.notEqual(result.valid, false, r.stdout);
    const acks = result.checks.find((c: { name: string }) => c.name === "resource-safety");
    assert.equal(acks.valid, true, acks.summary);
    assert.ok(Number(acks.figures.acknowledged) > 0, acks.summary);
    for (const m of ["m1", "m2", "m3"]) {
      const log = await Deno.readTextFile(`${dir}/etcd/${m}.log`);
      assert.match(log, /"msg":"starting with client TLS"/, m);
      assert.match(log, /"msg":"starting with peer TLS".*client-cert-auth = true/, m);
      assert.match(log, /"msg":"enabled authentication"/, m);
    }
    return result;
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}
