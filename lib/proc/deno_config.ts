/**
 * The `--config` the runner itself was started with, for the processes it starts (nodes), so a
 * user's module loads there under the same import map as in the runner: a user's repository runs
 * the CLI as `deno run -A --config deno.json <path>/main.ts …` and maps `etcd-drills/` to the
 * harness in its own deno.json. Read from /proc/self/cmdline (Deno does not expose its flags).
 */

/** `["--config", ABSOLUTE_PATH]`, or nothing when the runner was started without one. */
export function runnerConfigArgs(cmdline = readCmdline()): string[] {
  for (let i = 0; i < cmdline.length; i++) {
    const a = cmdline[i];
    if (a === "--" || /\.(ts|js|mjs)$/.test(a)) break; // the script: what follows are its own args
    const inline = /^(?:--config|-c)=(.+)$/.exec(a)?.[1];
    const path = inline ?? ((a === "--config" || a === "-c") ? cmdline[i + 1] : undefined);
    if (path !== undefined) {
      return ["--config", path.startsWith("/") ? path : `${Deno.cwd()}/${path}`];
    }
  }
  return [];
}

function readCmdline(): string[] {
  try {
    return Deno.readTextFileSync("/proc/self/cmdline").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}
