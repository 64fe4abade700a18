/**
 * A temp dir owned by this process, in the form lib/cluster/stale.ts sweeps
 * (`etcd-drills-*` holding `owner.pid`): when its owner dies without removing
 * it, the next process cluster's start (or `deno task clean`) removes it.
 */
import { tempRoot } from "../cluster/stale.ts";

/** Makes the dir (mode 0700) and writes this process's pid into it. */
export function makeOwnedTempDirSync(): string {
  const dir = Deno.makeTempDirSync({ dir: tempRoot(), prefix: "etcd-drills-" });
  Deno.chmodSync(dir, 0o700);
  Deno.writeTextFileSync(`${dir}/owner.pid`, String(Deno.pid));
  return dir;
}
