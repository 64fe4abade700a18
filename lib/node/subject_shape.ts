/**
 * The shape of a scenario's subject: what a user's module must export
 * (`--subject ./mine.ts`). Shapes are a public contract; they are checked
 * before a run (the default export's type) and again in each node (the
 * methods of what a factory returns), so a module that does not fit is
 * named in one line instead of failing deep inside a run.
 */

/**
 * A shape: a function whose result has these methods (`factory`), a plain
 * function (`fn`, its signature for messages), or an object of named parts.
 */
export type SubjectShape =
  | { factory: readonly string[] }
  | { fn: string }
  | { parts: Readonly<Record<string, SubjectShape>> };

/** A subject module that does not have its scenario's shape; the message says what is missing. */
export class SubjectShapeError extends Error {
  /** The error's name, as messages show it. */
  override name = "SubjectShapeError";
}

/** The problem with `value` as the top of a subject of `shape` (types only), or undefined. */
export function shapeProblem(
  value: unknown,
  shape: SubjectShape,
  where: string,
): string | undefined {
  if ("factory" in shape) {
    if (typeof value !== "function") {
      return `${where} must be a function returning { ${shape.factory.join(", ")} }, not ${
        describe(value)
      }`;
    }
    return undefined;
  }
  if ("fn" in shape) {
    return typeof value === "function"
      ? undefined
      : `${where} must be a function ${shape.fn}, not ${describe(value)}`;
  }
  if (typeof value !== "object" || value === null) {
    return `${where} must be an object with ${Object.keys(shape.parts).join(", ")}, not ${
      describe(value)
    }`;
  }
  for (const [name, part] of Object.entries(shape.parts)) {
    const problem = shapeProblem(
      (value as Record<string, unknown>)[name],
      part,
      `${where}.${name}`,
    );
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Wraps a subject of `shape` so that every factory's result is checked for
 * its methods when it is made; throws {@link SubjectShapeError} naming the
 * first problem.
 */
export function checkedSubject<T>(value: unknown, shape: SubjectShape, where: string): T {
  const problem = shapeProblem(value, shape, where);
  if (problem) throw new SubjectShapeError(problem);
  return wrap(value, shape, where) as T;
}

function wrap(value: unknown, shape: SubjectShape, where: string): unknown {
  if ("fn" in shape) return value;
  if ("factory" in shape) {
    const factory = value as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => {
      const made = factory(...args);
      const missing = shape.factory.filter((m) =>
        typeof (made as Record<string, unknown> | null)?.[m] !== "function"
      );
      if (typeof made !== "object" || made === null) {
        throw new SubjectShapeError(
          `${where}(...) must return an object with ${shape.factory.join(", ")}, not ${
            describe(made)
          }`,
        );
      }
      if (missing.length > 0) {
        throw new SubjectShapeError(
          `${where}(...) returned an object without ${missing.join(", ")}: a subject has ${
            shape.factory.join(", ")
          } (see mod.ts)`,
        );
      }
      return made;
    };
  }
  const parts = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(shape.parts).map(([name, part]) => [
      name,
      wrap(parts[name], part, `${where}.${name}`),
    ]),
  );
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined (is it exported?)";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return /^[aeiou]/.test(typeof v) ? `an ${typeof v}` : `a ${typeof v}`;
}
