/**
 * A fresh directory `<outDir>/<time>-<scenario>-<subject>-<seed>` for one run
 * (suffixed -1, -2, … when taken); returns its real path.
 */
export async function makeRunDir(
  outDir: string,
  scenario: string,
  subject: string,
  seed: number,
  at: Date,
): Promise<string> {
  const stamp = at.toISOString().replace(/[:.]/g, "-").replace("Z", "");
  // A module path or an exec: command names the subject too; keep the directory name plain.
  const slug = subject.replace(/^exec:/, "exec-").replace(/[^A-Za-z0-9_.-]+/g, "_")
    .replace(/^[_.]+/, "").slice(-40);
  const base = `${outDir}/${stamp}-${scenario}-${slug}-${seed}`;
  for (let i = 0;; i++) {
    const dir = i === 0 ? base : `${base}-${i}`;
    try {
      await Deno.mkdir(dir, { recursive: false });
      return await Deno.realPath(dir);
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) continue;
      if (e instanceof Deno.errors.NotFound) {
        await Deno.mkdir(outDir, { recursive: true });
        continue;
      }
      throw e;
    }
  }
}
