/**
 * What a program needs to reach a cluster over TLS or as a user, in its
 * environment (never argv, never the run directory): file paths of the CA,
 * the client certificate and key, the user's name and a file holding the
 * password. The password file lives in a temp dir of the node's own
 * (owner.pid, mode 0700/0600), removed when the node closes its program; a
 * node killed before that leaves it to the next node that closes its program
 * (at a run's end, every node), else to the next run's sweep and `deno task
 * clean`, like a killed run's data dirs.
 */
import type { ConnectOptions } from "../cluster/connect.ts";
import { dialHosts, usesTls } from "../cluster/connect.ts";
import { makeOwnedTempDirSync, sweepDeadOwners } from "./owned_temp.ts";

/** The environment variables that carry a cluster's TLS files and user to a program. */
export interface ExecSecurity {
  env: Record<string, string>;
  /** Removes the password file (idempotent). */
  forget(): void;
}

/**
 * The endpoints a program dials: `https://localhost:PORT` over TLS checked
 * as localhost (the clusters the harness runs), else the node's proxies as
 * URLs of the right scheme.
 */
export function programEndpoints(endpoints: readonly string[], c?: ConnectOptions): string[] {
  const scheme = usesTls(c) ? "https" : "http";
  const bare = endpoints.map((e) => e.replace(/^\w+:\/\//, ""));
  return dialHosts(bare, c).map((e) => `${scheme}://${e}`);
}

/** The environment for `c` (empty for a plain cluster); writes the password file where there is a user. */
export function execSecurity(c?: ConnectOptions): ExecSecurity {
  const env: Record<string, string> = {};
  if (c?.caFile) env.DRILLS_CACERT = c.caFile;
  if (c?.certFile) env.DRILLS_CERT = c.certFile;
  if (c?.keyFile) env.DRILLS_KEY = c.keyFile;
  if (usesTls(c) && c?.serverName) env.DRILLS_SERVER_NAME = c.serverName;
  let dir: string | undefined;
  if (c?.username !== undefined) {
    dir = makeOwnedTempDirSync();
    const file = `${dir}/password`;
    Deno.writeTextFileSync(file, `${c.password ?? ""}\n`, { mode: 0o600 });
    env.DRILLS_USER = c.username;
    env.DRILLS_PASSWORD_FILE = file;
  }
  return {
    env,
    forget() {
      // Those of this node's killed predecessors (and of other killed nodes) go too.
      if (c?.username !== undefined) sweepDeadOwners("password");
      if (dir) {
        try {
          Deno.removeSync(dir, { recursive: true });
        } catch { /* gone */ }
        dir = undefined;
      }
    },
  };
}
