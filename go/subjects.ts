/**
 * Where the Go subject programs (go/<name>/main.go, built by
 * `deno task go-subjects`) are, and how a node asks for one.
 */
import { SubjectShapeError } from "../lib/node/subject_shape.ts";

/** Every Go subject program, by the folder its main package is in. */
export const GO_SUBJECTS = ["discovery"] as const;

/** One of {@link GO_SUBJECTS}. */
export type GoSubject = typeof GO_SUBJECTS[number];

/** The folder `deno task go-subjects` builds into (ignored by git). */
export const GO_BUILD_DIR = new URL("../.build/go/", import.meta.url).pathname;

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
    `the Go ${name} subject is not built (${path}): run \`npx -y deno@2.9.6 task go-subjects\``,
  );
}
