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

/**
 * Removes the dirs of `file` (a password, say) whose owner is dead: a node
 * killed with SIGKILL cannot remove its own, so every node that closes its
 * program removes those of dead nodes (at a run's end all nodes close).
 * Returns what it removed.
 */
export function sweepDeadOwners(file: string): string[] {
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(tempRoot())];
  } catch {
    return removed;
  }
  for (const e of entries) {
    if (!e.isDirectory || !e.name.startsWith("etcd-drills-")) continue;
    const dir = `${tempRoot()}/${e.name}`;
    try {
      Deno.statSync(`${dir}/${file}`);
      const owner = Number(Deno.readTextFileSync(`${dir}/owner.pid`));
      if (owner === Deno.pid || alive(owner)) continue;
      Deno.removeSync(dir, { recursive: true });
      removed.push(dir);
    } catch { /* not one of these, or not ours to read */ }
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}
