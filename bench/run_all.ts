import { childCpuSeconds } from "./child_cpu.ts";

/**
 * Time to verdict of `deno task run all --expect` as a user runs it (each
 * expectation's pinned seed and duration, `--jobs` its default unless
 * `jobs` (BENCH_RUNALL_JOBS) says), with the CPU it used: its processes' user + system
 * seconds, and that as a share of what the machine's cores offered meanwhile.
 */
export async function runAllTime(jobs?: number) {
  const out = await Deno.makeTempDir({ prefix: "drills-bench-all-" });
  try {
    const cpu0 = childCpuSeconds();
    const t0 = performance.now();
    const r = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../main.ts", import.meta.url).pathname,
        "all",
        "--expect",
        "--quiet",
        ...(jobs ? ["--jobs", String(jobs)] : []),
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    const cpuSeconds = Math.round((childCpuSeconds() - cpu0) * 10) / 10;
    const stdout = new TextDecoder().decode(r.stdout);
    const used = /^\d+ pairs in \d+ s \((\d+) at a time\)$/m.exec(stdout)?.[1];
    return {
      seconds,
      cpuSeconds,
      cpuUtilisation: Math.round((cpuSeconds / (seconds * navigator.hardwareConcurrency)) * 100) /
        100,
      jobs: used === undefined ? null : Number(used),
      loadAverageAfter: Deno.loadavg()[0],
      expectationsMet: r.code === 0,
      exitCode: r.code,
      mismatches: stdout.split("\n").filter((l) => /\sNO\s/.test(l)).map((l) =>
        l.split(/\s+/).slice(0, 2).join("/")
      ),
    };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}
