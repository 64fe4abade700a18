/**
 * The CLI as a function: the arguments of `deno task run` in, the exit code out (main.ts adds the
 * error lines, the clean-up and the exit). Tests call it in-process, e.g. with `--dry-run`.
 */
import { UsageError } from "../lib/proc/errors.ts";
import { BUILTIN_SCENARIOS } from "../scenarios/mod.ts";
import { FAULTS } from "../chaos/mod.ts";
import { parse } from "./args.ts";
import { helpText } from "./help.ts";
import { list } from "./list.ts";
import { checkOutDir, checkWritableFile, preflight } from "./preflight.ts";
import { baseOptions, runAllJobs } from "./run_options.ts";
import { runAll } from "./run_all_command.ts";
import { runOne } from "./run_one.ts";
import { VERSION } from "./version.ts";

/** Runs the command line; the exit code (0 valid, 1 invalid or unknown; bad input throws). */
export async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parse(args);
  if (flags.help) {
    console.log(helpText(Object.keys(BUILTIN_SCENARIOS)));
    return 0;
  }
  if (flags.version) {
    console.log(`etcd-drills ${VERSION}`);
    return 0;
  }
  if (flags.list) {
    await list(BUILTIN_SCENARIOS, FAULTS);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError("name one scenario (or all): deno task run lock; see --help");
  }
  const all = positionals[0] === "all";
  const base = await baseOptions(flags, all);
  await checkOutDir(base.outDir);
  if (flags.junit !== undefined) await checkWritableFile(flags.junit, "--junit");
  const jobs = all ? runAllJobs(flags, base.portsFrom) : 1;
  await preflight(base);
  if (!all) return await runOne(BUILTIN_SCENARIOS, positionals[0], base, flags);
  if (flags.expectVerdict) {
    throw new UsageError(
      `run all --expect takes no verdict: each run is held to its scenario's expectation`,
    );
  }
  return await runAll(BUILTIN_SCENARIOS, base, flags, jobs);
}
