/**
 * etcd-drills CLI: `deno task run <scenario | ./plugin.ts | all> [options]`.
 * Exit codes: 0 valid, 1 invalid (or unknown), 2 bad input or harness failure.
 * The composition root (cli/main.ts) hands the kernel (lib/) the built-in scenarios and faults.
 */
import { HarnessError, UsageError } from "./lib/proc/errors.ts";
import { cleanupAll } from "./lib/proc/cleanup.ts";
import { main } from "./cli/main.ts";

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
