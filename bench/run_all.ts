/** Time to verdict of `deno task run all --expect` with its default durations, as a user runs it. */
export async function runAllTime() {
  const out = await Deno.makeTempDir({ prefix: "drills-bench-all-" });
  try {
    const t0 = performance.now();
    const r = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../main.ts", import.meta.url).pathname,
        "all",
        "--expect",
        "--quiet",
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    return { seconds, expectationsMet: r.code === 0, exitCode: r.code };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}
