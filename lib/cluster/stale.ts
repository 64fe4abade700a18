/**
 * Temp dirs of process clusters carry the pid of the run that made them, so a
 * later run (or `deno task clean`) can remove what a killed run left behind.
 */

const PREFIX = "etcd-drills-";

/** The folder where the harness makes its temp dirs. */
export function tempRoot(): string {
  return Deno.env.get("TMPDIR") ?? "/tmp";
}

/** Makes a temp dir owned by this process. */
export async function makeOwnedTempDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: PREFIX });
  await Deno.writeTextFile(`${dir}/owner.pid`, String(Deno.pid));
  return dir;
}

/** Removes temp dirs whose owning run is gone, and kills etcd processes still using them. Returns what it removed. */
export async function sweepStale(): Promise<string[]> {
  const removed: string[] = [];
  for await (const entry of Deno.readDir(tempRoot())) {
    if (!entry.isDirectory || !entry.name.startsWith(PREFIX)) continue;
    const dir = `${tempRoot()}/${entry.name}`;
    let owner: number;
    try {
      owner = Number(await Deno.readTextFile(`${dir}/owner.pid`));
    } catch {
      continue; // not ours to judge
    }
    if (owner === Deno.pid || alive(owner)) continue;
    await killUsers(dir);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    removed.push(dir);
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

/** SIGKILLs processes whose command line names `dir` (etcd members of a dead run). */
async function killUsers(dir: string): Promise<void> {
  for await (const p of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(p.name)) continue;
    try {
      const cmdline = await Deno.readTextFile(`/proc/${p.name}/cmdline`);
      if (cmdline.includes(dir)) Deno.kill(Number(p.name), "SIGKILL");
    } catch { /* gone or not readable */ }
  }
}
