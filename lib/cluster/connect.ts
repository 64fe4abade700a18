/**
 * How clients reach a cluster that needs more than plain HTTP: TLS files and
 * a user with a password (an operator's own cluster, --cluster external).
 * The runner, the external cluster and every node build their etcd3 client
 * options from it.
 */
import { Buffer } from "node:buffer";
import type { IOptions } from "etcd3";
import { UsageError } from "../errors.ts";

/** TLS and auth settings; all optional. Paths are read when a client is made. */
export interface ConnectOptions {
  /** CA certificate (PEM) that signed the members' certificates. */
  caFile?: string;
  /** Client certificate and key (PEM), for clusters that check client certificates. */
  certFile?: string;
  keyFile?: string;
  /** etcd user and password (auth enabled on the cluster). */
  username?: string;
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

/** Parses `--user name:password`. */
export function parseUser(text: string): { username: string; password: string } {
  const i = text.indexOf(":");
  if (i <= 0) throw new UsageError(`--user ${JSON.stringify(text)}: give name:password`);
  return { username: text.slice(0, i), password: text.slice(i + 1) };
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
