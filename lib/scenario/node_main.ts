/**
 * Entry point of a simulated node process: loads the scenario module, runs
 * its role, streams events on stdout, stops on the runner's command or when
 * its stdin closes (the runner is gone).
 */
import { NODE_CONFIG_ENV } from "../node/protocol.ts";
import type { NodeConfig, NodeMessage } from "../node/protocol.ts";
import { NodeContext } from "../node/context.ts";
import type { Scenario } from "./scenario.ts";
import { wallClock } from "../history/writer.ts";
import { parseSubjectRef } from "../node/subject_ref.ts";
import { SubjectShapeError } from "../node/subject_shape.ts";

const config: NodeConfig = JSON.parse(Deno.env.get(NODE_CONFIG_ENV) ?? "null");
if (!config) {
  console.error(`${NODE_CONFIG_ENV} is not set: node_main.ts is started by the runner`);
  Deno.exit(2);
}

/** How long the node waits for its at-exit work (a subject program's exit); below the runner's stop grace. */
const AT_EXIT_MS = 3000;

const encoder = new TextEncoder();
function emit(m: NodeMessage): void {
  Deno.stdout.writeSync(encoder.encode(JSON.stringify(m) + "\n"));
}

const stop = new AbortController();
watchStdin();

const scenario: Scenario = (await import(config.scenario)).default;
const role = scenario.roles[config.role];
if (!role) {
  console.error(`scenario ${scenario.name} has no role ${config.role}`);
  Deno.exit(2);
}
const subjectRef = parseSubjectRef(config.subject);
const subjectModule = subjectRef.kind === "module" ? await loadSubject(subjectRef.url) : undefined;
const ctx = new NodeContext(config, stop.signal, emit, subjectModule);
emit({ t: "ready", wall: wallClock() });
try {
  await role(ctx);
} catch (e) {
  await ctx.runAtExit(AT_EXIT_MS);
  if (e instanceof SubjectShapeError) {
    // Not a fault of the run: the subject does not fit. The runner stops and says so.
    emit({ t: "fatal", error: e.message, wall: wallClock() });
    console.error(`subject does not fit: ${e.message}`);
    Deno.exit(3);
  }
  console.error(`role ${config.role} failed:`, e);
  Deno.exit(1);
}
await ctx.runAtExit(AT_EXIT_MS);
// Leave at once: etcd3 clients and keep-alives would keep the process alive.
Deno.exit(0);

/** The user's module; one that fails to load here stops the run with its reason, as an unfit one does. */
async function loadSubject(url: string): Promise<unknown> {
  try {
    return (await import(url)).default;
  } catch (e) {
    const why = `cannot load subject ${config.subject} in a node: ${
      String(e instanceof Error ? e.message : e).split("\n")[0]
    }`;
    emit({ t: "fatal", error: why, wall: wallClock() });
    console.error(why);
    Deno.exit(3);
  }
}

async function watchStdin(): Promise<void> {
  const decoder = new TextDecoder();
  let buf = "";
  for await (const chunk of Deno.stdin.readable) {
    buf += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.includes('"stop"')) stop.abort();
    }
  }
  // The runner closed our stdin or died: stop now, leave nothing behind.
  stop.abort();
  setTimeout(() => Deno.exit(0), 3000);
}
