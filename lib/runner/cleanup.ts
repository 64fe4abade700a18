/**
 * Everything a run starts registers its undo here, so a normal end, a
 * Ctrl-C, a SIGTERM or an uncaught error all leave nothing behind.
 */

type Undo = () => void | Promise<void>;

const undos = new Map<number, { label: string; undo: Undo }>();
let nextId = 1;
let installed = false;
let running: Promise<void> | undefined;

/** Registers an undo; returns a function that forgets it (after doing the work yourself). */
export function onCleanup(label: string, undo: Undo): () => void {
  installSignalHandlers();
  const id = nextId++;
  undos.set(id, { label, undo });
  return () => undos.delete(id);
}

/** Runs every registered undo, newest first; safe to call more than once. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    const list = [...undos.entries()].reverse();
    undos.clear();
    for (const [, { label, undo }] of list) {
      try {
        await undo();
      } catch (e) {
        console.error(`clean-up of ${label} failed: ${e instanceof Error ? e.message : e}`);
      }
    }
  })().finally(() => running = undefined);
  return running;
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    Deno.addSignalListener(sig, () => {
      console.error(`\n${sig}: stopping, cleaning up…`);
      cleanupAll().finally(() => Deno.exit(sig === "SIGINT" ? 130 : 143));
    });
  }
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    console.error(`internal error: ${e.reason?.stack ?? e.reason}`);
    cleanupAll().finally(() => Deno.exit(2));
  });
}

/**
 * Spawns a child that the kernel kills if this process dies without cleaning
 * up (a SIGKILL of the runner), through util-linux `setpriv --pdeathsig`.
 */
export function spawnTied(
  cmd: string,
  args: string[],
  opts: Deno.CommandOptions,
): Deno.ChildProcess {
  const tied = hasSetpriv()
    ? new Deno.Command("setpriv", { ...opts, args: ["--pdeathsig", "KILL", "--", cmd, ...args] })
    : new Deno.Command(cmd, { ...opts, args });
  return tied.spawn();
}

let setprivKnown: boolean | undefined;
function hasSetpriv(): boolean {
  if (setprivKnown === undefined) {
    try {
      setprivKnown =
        new Deno.Command("setpriv", { args: ["--version"], stdout: "null", stderr: "null" })
          .outputSync().success;
    } catch {
      setprivKnown = false;
    }
  }
  return setprivKnown;
}
