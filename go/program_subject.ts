/**
 * A built-in Go subject of any scenario: the scenario's exec adapter, run
 * on the Go program instead of the `--subject 'exec:…'` command.
 */
import type { NodeContext } from "../lib/node/context.ts";
import type { GoSubject } from "./subjects.ts";
import { requireGoSubject } from "./subjects.ts";

/**
 * The node's context as the exec adapter sees it for the Go program `name`:
 * its subject is `exec:` that program (resolved when the adapter starts it,
 * so an unbuilt program stops the run with "run deno task go-subjects").
 */
function onProgram(ctx: NodeContext, name: GoSubject): NodeContext {
  return new Proxy(ctx, {
    get(target, prop) {
      if (prop === "subjectRef") {
        return { kind: "exec", spec: name, command: [requireGoSubject(name)] };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/**
 * Wraps a scenario's exec adapter (a factory taking the node's context
 * first, or an object of such functions) so that it drives the Go program
 * `name`.
 */
export function goProgram<T>(adapter: T, name: GoSubject): T {
  // deno-lint-ignore no-explicit-any
  const wrap = (f: (...a: any[]) => unknown, self: unknown) =>
  // deno-lint-ignore no-explicit-any
  (ctx: NodeContext, ...rest: any[]) => f.call(self, onProgram(ctx, name), ...rest);
  if (typeof adapter === "function") {
    return wrap(adapter as (...a: unknown[]) => unknown, undefined) as T;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(adapter as Record<string, unknown>)) {
    out[k] = typeof v === "function" ? wrap(v as (...a: unknown[]) => unknown, adapter) : v;
  }
  return out as T;
}
