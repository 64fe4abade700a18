import { parseSubjectRef } from "../node/subject_ref.ts";

/**
 * A subject as a directory name: a built-in's name, a module's file name, or
 * `exec-` and the program's file (`exec:python3 x/lock.py --a` → `exec-lock`).
 */
export function subjectSlug(subject: string): string {
  let ref;
  try {
    ref = parseSubjectRef(subject);
  } catch {
    ref = { kind: "builtin" as const, name: subject };
  }
  const file = (path: string) => path.split(/[\\/]/).pop()!.replace(/\.[A-Za-z]+$/, "");
  const name = ref.kind === "builtin"
    ? ref.name
    : ref.kind === "module"
    ? file(new URL(ref.url).pathname)
    : `exec-${file(ref.command.find((w) => /[\\/]|\.[A-Za-z]+$/.test(w)) ?? ref.command[0] ?? "")}`;
  return name.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 40) || "subject";
}

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
  const base = `${outDir}/${stamp}-${scenario}-${subjectSlug(subject)}-${seed}`;
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
