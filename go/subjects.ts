/**
 * Where the Go subject programs (built by `deno task go-subjects`) are, and
 * how a node asks for one: `go` (go/recipes/, etcd's own recipes) and
 * `go-seed` (go/seed/, the classic write-up's programs), each one binary for
 * every scenario (it reads `DRILLS_SCENARIO`).
 */
import { SubjectShapeError } from "../lib/node/subject_shape.ts";

/** Every Go subject program: its name, and the folder its main package is in. */
export const GO_PROGRAMS = { "go": "recipes", "go-seed": "seed" } as const;

/** Every Go subject program's name. */
export const GO_SUBJECTS = Object.keys(GO_PROGRAMS) as GoSubject[];

/** One of {@link GO_SUBJECTS}. */
export type GoSubject = keyof typeof GO_PROGRAMS;

/** The folder `deno task go-subjects` builds into (ignored by git). */
export const GO_BUILD_DIR = new URL("../.build/go/", import.meta.url).pathname;

/** The GOPATH root holding the kit, `src/drills` (package drills): put it on your GOPATH. */
export const GO_KIT_ROOT = new URL("./", import.meta.url).pathname;

/** The environment variable naming another folder of built Go subjects. */
export const GO_BIN_DIR_ENV = "DRILLS_GO_BIN_DIR";

/** The path of a built Go subject program: in `$DRILLS_GO_BIN_DIR`, else in {@link GO_BUILD_DIR}. */
export function goSubjectPath(name: GoSubject): string {
  const dir = Deno.env.get(GO_BIN_DIR_ENV)?.replace(/\/?$/, "/") ?? GO_BUILD_DIR;
  return `${dir}${name}`;
}

/**
 * The built program, or a {@link SubjectShapeError} (the run stops, exit 2,
 * with this one line) when it has not been built.
 */
export function requireGoSubject(name: GoSubject): string {
  const path = goSubjectPath(name);
  try {
    if (Deno.statSync(path).isFile) return path;
  } catch { /* not built */ }
  throw new SubjectShapeError(
    `the Go subject ${name} is not built (${path}): run \`npx -y deno@2.9.6 task go-subjects\``,
  );
}
