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

/** How long a signalled clean-up may take before the process exits anyway, ms. */
const SIGNAL_CLEANUP_MS = 30_000;

/** Exit codes after a signal, as a shell reports them (128 + the signal's number). */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** A repeat of a signal sooner than this after the first is the same request, ms. */
const REPEAT_MS = 2000;

/** How often the runner looks whether the process that started it is still there, ms. */
const PARENT_POLL_MS = 1000;

/**
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP all tear the run down the same way,
 * and so does the death of the process that started the runner (`timeout`
 * killing the `npx` in front of it leaves the runner orphaned, with no
 * signal). A second signal later than {@link REPEAT_MS}, or a clean-up that
 * takes longer than {@link SIGNAL_CLEANUP_MS}, exits at once: what is left
 * then dies with the runner (`setpriv --pdeathsig`) or is removed by the
 * next run. The handlers need a free event loop: nothing in a run may block
 * it (the fault schedule's loop is bounded, see lib/faults/schedule.ts).
 */
function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  let signalledAt: number | undefined;
  const stop = (why: string, code: number) => {
    if (signalledAt !== undefined) {
      if (Date.now() - signalledAt < REPEAT_MS) return;
      console.error(`\n${why} again: exiting without waiting for the clean-up`);
      Deno.exit(code);
    }
    signalledAt = Date.now();
    console.error(`\n${why}: stopping, cleaning up…`);
    const giveUp = setTimeout(() => {
      console.error(`clean-up took over ${SIGNAL_CLEANUP_MS / 1000} s: exiting`);
      Deno.exit(code);
    }, SIGNAL_CLEANUP_MS);
    cleanupAll().finally(() => {
      clearTimeout(giveUp);
      Deno.exit(code);
    });
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    Deno.addSignalListener(sig, () => stop(sig, SIGNAL_EXIT[sig]));
  }
  const parent = parentPid();
  if (parent !== undefined && parent > 1) {
    const timer = setInterval(() => {
      if (parentPid() !== parent) {
        clearInterval(timer);
        stop(`the process that started this run (pid ${parent}) is gone`, SIGNAL_EXIT.SIGHUP);
      }
    }, PARENT_POLL_MS);
    Deno.unrefTimer(timer);
  }
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    console.error(`internal error: ${e.reason?.stack ?? e.reason}`);
    cleanupAll().finally(() => Deno.exit(2));
  });
}

/** This process's parent now (it changes when the parent dies), from /proc; undefined where unreadable. */
function parentPid(): number | undefined {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
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
