/** Runs the CLI as a user would and captures what it says. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The non-empty lines of a text. */
export const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");

/**
 * Starts a 60 s lock run (`extra` added to its arguments) and resolves once
 * its workload (cluster and nodes up) has begun, for tests that stop it.
 */
export async function startRun(out: string, extra: string[] = []): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, "lock", "--duration", "60s", "--out", out, ...extra],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("] workload")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`run ended before its workload:\n${seen}`);
    seen += value;
  }
  // Keep draining so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return child;
}
