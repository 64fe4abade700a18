/** --tls --auth on the container cluster: members serve TLS and auth, the reference lock stays valid. */
import assert from "node:assert/strict";
import { cli } from "./cli_helper.ts";
import { containerTest, harnessLeftovers } from "./container_helper.ts";

/** Harness temp dirs (they hold the certificates) made since `since` whose owning run is gone. */
function orphanTempDirs(since: number): string[] {
  const root = Deno.env.get("TMPDIR") ?? "/tmp";
  return [...Deno.readDirSync(root)].filter((e) => e.name.startsWith("etcd-drills-")).flatMap(
    (e) => {
      const dir = `${root}/${e.name}`;
      try {
        if ((Deno.statSync(dir).birthtime?.getTime() ?? Date.now()) < since) return [];
        const owner = Number(Deno.readTextFileSync(`${dir}/owner.pid`));
        Deno.statSync(`/proc/${owner}`);
        return [];
      } catch (e) {
        return e instanceof Deno.errors.NotFound ? [dir] : [];
      }
    },
  );
}

containerTest(
  "[container] --tls --auth: members run TLS and auth; the reference lock stays valid",
  async () => {
    const out = await Deno.makeTempDir({ prefix: "drills-test-secure-" });
    const since = Date.now() - 1000;
    try {
      const r = await cli([
        "lock",
        "--cluster",
        "container",
        "--tls",
        "--auth",
        "--faults",
        "kill-member,pause-node",
        "--duration",
        "10s",
        "--seed",
        "12",
        "--out",
        out,
        "--quiet",
      ]); // deno-fmt-ignore
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const [dir] = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
      const result = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
      assert.equal(result.cluster.kind, "container");
      const acks = result.checks.find((c: { name: string }) => c.name === "resource-safety");
      assert.ok(Number(acks.figures.acknowledged) > 0, acks.summary);
      for (const m of ["m1", "m2", "m3"]) {
        const log = await Deno.readTextFile(`${dir}/etcd/${m}.log`);
        assert.match(log, /"msg":"starting with client TLS"/, m);
        assert.match(log, /"msg":"starting with peer TLS".*client-cert-auth = true/, m);
        assert.match(log, /"msg":"enabled authentication"/, m);
      }
      assert.deepEqual(await harnessLeftovers(), []);
      assert.deepEqual(orphanTempDirs(since), []);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
);
