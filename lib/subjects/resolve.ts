/**
 * The runner's side of `--subject`: refuses, before anything starts, a
 * subject the scenario cannot run (one line, exit 2), and loads a user's
 * module once to check its default export against the scenario's shape.
 */
import type { Scenario } from "../scenario/scenario.ts";
import { UsageError } from "../proc/errors.ts";
import { parseSubjectRef } from "../node/subject_ref.ts";
import type { SubjectRef } from "../node/subject_ref.ts";
import { shapeProblem } from "../node/subject_shape.ts";

/** The subject `spec` names for `scenario`, checked; throws {@link UsageError}. */
export async function resolveSubject(scenario: Scenario, spec: string): Promise<SubjectRef> {
  let ref: SubjectRef;
  try {
    ref = parseSubjectRef(spec);
  } catch (e) {
    throw new UsageError(`--subject ${spec}: ${(e as Error).message}`);
  }
  if (ref.kind === "builtin") {
    if (!scenario.subjects[ref.name]) {
      throw new UsageError(
        `unknown subject "${ref.name}" for ${scenario.name}: choose from ${
          Object.keys(scenario.subjects).join(", ")
        }, give a module (./my_subject.ts) or a program (exec:CMD)`,
      );
    }
    return ref;
  }
  if (ref.kind === "exec") {
    if (!scenario.execProtocol) {
      throw new UsageError(`${scenario.name} takes no exec: subjects yet: give a module instead`);
    }
    if (ref.command.length === 0) {
      throw new UsageError(`--subject exec: needs a command, e.g. 'exec:python3 my_lock.py'`);
    }
    await assertRunnable(ref.command[0]);
    return ref;
  }
  if (!scenario.subjectShape) {
    throw new UsageError(`${scenario.name} takes no subject modules: it has no subject shape`);
  }
  let mod: { default?: unknown };
  try {
    mod = await import(ref.url);
  } catch (e) {
    const hint = /not in import map|not a dependency/.test(firstLine(e))
      ? " (run the CLI with --config <your deno.json> so your import map applies)"
      : "";
    throw new UsageError(`cannot load subject ${ref.spec}: ${firstLine(e)}${hint}`);
  }
  const problem = shapeProblem(mod.default, scenario.subjectShape, `${ref.spec}: default export`);
  if (problem) throw new UsageError(`${problem}: see the subject shapes in README`);
  return ref;
}

/** A program that can be started: a path to an executable, or a name found on PATH. */
async function assertRunnable(program: string): Promise<void> {
  const candidates = program.includes("/")
    ? [program]
    : (Deno.env.get("PATH") ?? "").split(":").filter(Boolean).map((d) => `${d}/${program}`);
  for (const path of candidates) {
    try {
      const info = await Deno.stat(path);
      if (info.isFile && (info.mode ?? 0o111) & 0o111) return;
    } catch { /* not here */ }
  }
  throw new UsageError(
    `--subject exec:${program}: no such program ${
      program.includes("/") ? "(or it is not executable)" : "on PATH"
    }: give a path or install it`,
  );
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split("\n")[0];
}
