/**
 * etcd-drills CLI: `deno task run <scenario | ./plugin.ts | all> [options]`.
 * Exit codes: 0 valid, 1 invalid (or unknown), 2 bad input or harness failure.
 * The composition root: it hands the kernel (lib/) the built-in scenarios and faults.
 */
import { HarnessError, UsageError } from "./lib/proc/errors.ts";
import { cleanupAll } from "./lib/proc/cleanup.ts";
import { BUILTIN_SCENARIOS } from "./scenarios/mod.ts";
import { FAULTS } from "./chaos/mod.ts";
import { parse } from "./cli/args.ts";
import { helpText } from "./cli/help.ts";
import { list } from "./cli/list.ts";
import { checkOutDir, checkWritableFile, preflight } from "./cli/preflight.ts";
import { baseOptions, runAllJobs } from "./cli/run_options.ts";
import { runAll } from "./cli/run_all_command.ts";
import { runOne } from "./cli/run_one.ts";
import { VERSION } from "./cli/version.ts";

async function main(args: string[]): Promise<number> {
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

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (e) {
    if (e instanceof UsageError || e instanceof HarnessError) {
      console.error(`error: ${e.message}`);
      code = 2;
    } else {
      console.error(`internal error: ${e instanceof Error ? e.stack : e}`);
      code = 2;
    }
  }
  await cleanupAll();
  Deno.exit(code);
}
