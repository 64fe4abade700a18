/**
 * How clients reach a cluster that needs more than plain HTTP: TLS files and
 * a user with a password (an operator's own cluster, --cluster external).
 * The runner, the external cluster and every node build their etcd3 client
 * options from it.
 */
import { Buffer } from "node:buffer";
import type { IOptions } from "etcd3";
import { UsageError } from "../proc/errors.ts";

/** TLS and auth settings; all optional. Paths are read when a client is made. */
export interface ConnectOptions {
  /** CA certificate (PEM) that signed the members' certificates. */
  caFile?: string;
  /** Client certificate and key (PEM), for clusters that check client certificates. */
  certFile?: string;
  /** The client certificate's private key (PEM). */
  keyFile?: string;
  /** etcd user and password (auth enabled on the cluster). */
  username?: string;
  /** The etcd user's password. */
  password?: string;
  /**
   * The host name the members' certificates are checked against when
   * clients connect through a proxy (a node's proxy is on 127.0.0.1).
   */
  serverName?: string;
}

/** Whether clients must speak TLS. */
export function usesTls(c: ConnectOptions | undefined): boolean {
  return !!(c?.caFile || c?.certFile);
}

/** The environment variable `--user NAME` takes the password from, without --password-file. */
export const PASSWORD_ENV = "ETCD_DRILLS_PASSWORD";

/**
 * `--user NAME` with its password from `--password-file F` (first line) or
 * the ETCD_DRILLS_PASSWORD environment variable: never from the command
 * line, where `ps` shows it to everyone.
 */
export function readUser(
  name: string,
  passwordFile: string | undefined,
): { username: string; password: string } {
  if (name.includes(":")) {
    throw new UsageError(
      `--user takes a name only: put the password in --password-file F or ${PASSWORD_ENV}, not on the command line`,
    );
  }
  if (name === "") throw new UsageError("--user: give the etcd user's name");
  if (passwordFile !== undefined) {
    let text: string;
    try {
      text = Deno.readTextFileSync(passwordFile);
    } catch (e) {
      throw new UsageError(
        `--password-file ${passwordFile}: cannot read it (${
          (e as Error).message.split("\n")[0]
        }): give a readable file holding the password`,
      );
    }
    return { username: name, password: text.split(/\r?\n/)[0] };
  }
  const fromEnv = Deno.env.get(PASSWORD_ENV);
  if (fromEnv === undefined) {
    throw new UsageError(
      `--user ${name}: give the password in --password-file F or the ${PASSWORD_ENV} environment variable`,
    );
  }
  return { username: name, password: fromEnv };
}

/** These settings with a node's own user in place of any other (unchanged without one). */
export function withUser(
  c: ConnectOptions | undefined,
  user: { username: string; password: string } | undefined,
): ConnectOptions | undefined {
  return user ? { ...c, username: user.username, password: user.password } : c;
}

function read(path: string, flag: string): Buffer {
  try {
    return Buffer.from(Deno.readFileSync(path));
  } catch (e) {
    throw new UsageError(
      `${flag} ${path}: cannot read it (${
        (e as Error).message.split("\n")[0]
      }): give a readable PEM file`,
    );
  }
}

/** Checks that the files exist and pair up, before anything starts. */
export function checkConnect(c: ConnectOptions): void {
  if (!!c.certFile !== !!c.keyFile) {
    throw new UsageError("--cert and --key go together: give both or neither");
  }
  if (c.certFile && !c.caFile) {
    throw new UsageError("--cert needs --cacert (the CA that signed the members' certificates)");
  }
  if (c.caFile) read(c.caFile, "--cacert");
  if (c.certFile) read(c.certFile, "--cert");
  if (c.keyFile) read(c.keyFile, "--key");
}

/**
 * The hosts a client dials. With TLS checked as `localhost` (the clusters the
 * harness runs), loopback addresses are dialled by that name: grpc-js under
 * Deno refuses an IP address as the TLS server name, and etcd3 1.1.2 makes
 * its authentication channel without the name override
 * (connection-pool.js getCredentialsFromHost).
 */
export function dialHosts(hosts: readonly string[], c: ConnectOptions | undefined): string[] {
  if (!usesTls(c) || c?.serverName !== "localhost") return [...hosts];
  return hosts.map((h) => h.replace(/(^|\/\/)127\.0\.0\.1:/, "$1localhost:"));
}

/** etcd3 client options for these settings (empty for a plain cluster). */
export function clientOptions(c: ConnectOptions | undefined): Partial<IOptions> {
  if (!c) return {};
  const o: Partial<IOptions> = {};
  if (usesTls(c)) {
    o.credentials = {
      rootCertificate: read(c.caFile!, "--cacert"),
      ...(c.certFile ? { certChain: read(c.certFile, "--cert") } : {}),
      ...(c.keyFile ? { privateKey: read(c.keyFile, "--key") } : {}),
    };
    if (c.serverName) o.grpcOptions = { "grpc.ssl_target_name_override": c.serverName };
  }
  if (c.username !== undefined) o.auth = { username: c.username, password: c.password ?? "" };
  return o;
}

/**
 * The settings a node uses: its client reaches the members through its own
 * proxy on 127.0.0.1, so with TLS the members' certificates are checked
 * against the first endpoint's host name.
 */
export function nodeConnect(
  c: ConnectOptions | undefined,
  endpoints: readonly string[],
): ConnectOptions | undefined {
  if (!c || !usesTls(c) || c.serverName || endpoints.length === 0) return c;
  return { ...c, serverName: new URL(endpoints[0]).hostname };
}
