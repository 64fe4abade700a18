import { onCleanup } from "../lib/proc/cleanup.ts";

/**
 * Keeps one core busy while `fn` runs: a child process spinning in a loop, the
 * load another engineer's run or a CI neighbour puts on a shared machine.
 * The child is killed when `fn` ends (and on Ctrl-C).
 */
export async function withBusyCore<T>(fn: () => Promise<T>): Promise<T> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "for (;;) {}"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
  };
  const forget = onCleanup("busy core", stop);
  try {
    return await fn();
  } finally {
    await stop();
    forget();
  }
}
