/** The harness's version: one place, deno.json's `version`; `deno task run --version` prints it. */
import config from "../deno.json" with { type: "json" };

/** e.g. `0.1.0`. */
export const VERSION: string = config.version;
