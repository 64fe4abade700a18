/** --tls --auth on the container cluster: members serve TLS and auth, the reference lock stays valid. */
import assert from "node:assert/strict";
import { secureLockRun } from "../helpers/secure_helper.ts";
import { containerTest, harnessLeftovers } from "../helpers/container_helper.ts";

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
  "[container] --tls --auth: members run TLS and auth; the reference lock stays safe",
  async () => {
    const since = Date.now() - 1000;
    const result = await secureLockRun([
      "--cluster",
      "container",
      "--faults",
      "kill-member,pause-node",
      "--duration",
      "10s",
      "--seed",
      "12",
    ]); // deno-fmt-ignore
    assert.equal((result.cluster as { kind: string }).kind, "container");
    assert.deepEqual(await harnessLeftovers(), []);
    assert.deepEqual(orphanTempDirs(since), []);
  },
);
