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

/** How {@link spawnTied} starts a child. */
export interface TiedOptions {
  /**
   * Make the child the leader of its own process group (and session), with
   * its pid as the group id, so a signal to `-pid` reaches it and everything
   * it starts (util-linux `setsid`, which execs in place and keeps the pid).
   */
  groupLeader?: boolean;
}

/**
 * Spawns a child that the kernel kills if this process dies without cleaning
 * up (a SIGKILL of the runner, or of the node that started it), through
 * util-linux `setpriv --pdeathsig`. Both tools exec in place: the child's
 * pid is the one Deno reports.
 */
export function spawnTied(
  cmd: string,
  args: string[],
  opts: Deno.CommandOptions,
  tied: TiedOptions = {},
): Deno.ChildProcess {
  const words = [cmd, ...args];
  if (tied.groupLeader && hasTool("setsid")) words.unshift("setsid");
  if (hasTool("setpriv")) words.unshift("setpriv", "--pdeathsig", "KILL", "--");
  return new Deno.Command(words[0], { ...opts, args: words.slice(1) }).spawn();
}

/** Whether {@link spawnTied} can make group leaders here (util-linux `setsid` is installed). */
export function canLeadGroups(): boolean {
  return hasTool("setsid");
}

/** Whether `pid` leads its own process group (true after `spawnTied(..., { groupLeader: true })`). */
export function leadsProcessGroup(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name (which may hold spaces): state, ppid, pgrp, …
    const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    return pgrp === pid;
  } catch {
    return false;
  }
}

const toolKnown = new Map<string, boolean>();
function hasTool(tool: string): boolean {
  let known = toolKnown.get(tool);
  if (known === undefined) {
    try {
      known = new Deno.Command(tool, { args: ["--version"], stdout: "null", stderr: "null" })
        .outputSync().success;
    } catch {
      known = false;
    }
    toolKnown.set(tool, known);
  }
  return known;
}
