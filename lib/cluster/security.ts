/**
 * `--tls` and `--auth` for the clusters the harness runs (process and
 * container), in one place: the run's certificates, the etcd flags that use
 * them, how the harness reaches the members (access.ts), auth enabled once
 * the members serve, and a user per node confined to the run's prefix.
 */
import { makeCertificates } from "./certs.ts";
import type { RunCertificates } from "./certs.ts";
import { registerAccess } from "./access.ts";
import type { ConnectOptions } from "./connect.ts";
import { enableAuth, prefixUsers, randomPassword } from "./auth.ts";
import type { Credentials } from "./auth.ts";

/** What a cluster was asked for. */
export interface SecurityOptions {
  tls?: boolean;
  auth?: boolean;
  /** etcd's --auth-token-ttl, seconds. */
  authTokenTtl?: number;
}

/** A cluster's TLS and auth; a plain cluster has one too, doing nothing. */
export class ClusterSecurity {
  readonly certs?: RunCertificates;
  /** How the harness connects now: the CA with TLS (checked as localhost), root once auth is on. */
  access?: ConnectOptions;
  #opts: SecurityOptions;
  #root?: Credentials;
  #urls: readonly string[] = [];
  #forget: () => void = () => {};

  private constructor(opts: SecurityOptions, certs?: RunCertificates) {
    this.#opts = opts;
    this.certs = certs;
    // grpc-js under Deno refuses an IP address as the TLS server name: check certificates as localhost.
    if (certs) this.access = { caFile: certs.caFile, serverName: "localhost" };
  }

  /** Makes the certificates in `dir` (created) with --tls, valid also for `hostNames`. */
  static async make(
    opts: SecurityOptions,
    dir: string,
    hostNames: readonly string[] = [],
  ): Promise<ClusterSecurity> {
    if (!opts.tls) return new ClusterSecurity(opts);
    await Deno.mkdir(dir, { recursive: true });
    return new ClusterSecurity(opts, await makeCertificates(dir, hostNames));
  }

  /** "https" with TLS, else "http". */
  get scheme(): string {
    return this.certs ? "https" : "http";
  }

  /** The members' client URLs: the harness's own probes reach them with {@link access}. */
  register(clientUrls: readonly string[]): void {
    this.#urls = clientUrls;
    this.#refresh();
  }

  /**
   * etcd's flags: client and peer TLS (peers check each other's certificate)
   * and the token TTL; `at` maps a file of ours to where the member sees it.
   */
  etcdArgs(at: (path: string) => string = (p) => p): string[] {
    const args: string[] = [];
    const c = this.certs;
    if (c) {
      args.push(
        "--cert-file",
        at(c.certFile),
        "--key-file",
        at(c.keyFile),
        "--peer-cert-file",
        at(c.certFile),
        "--peer-key-file",
        at(c.keyFile),
        "--peer-trusted-ca-file",
        at(c.caFile),
        "--peer-client-cert-auth",
      ); // deno-fmt-ignore
    }
    if (this.#opts.auth && this.#opts.authTokenTtl !== undefined) {
      args.push("--auth-token-ttl", String(this.#opts.authTokenTtl));
    }
    return args;
  }

  /** With --auth, once the members serve: a root user (its password only in memory) and auth on. */
  async enable(clientUrl: string): Promise<void> {
    if (!this.#opts.auth || this.#root) return;
    this.#root = { username: "root", password: randomPassword() };
    await enableAuth(clientUrl, this.#root);
    this.access = { ...this.access, ...this.#root };
    this.#refresh();
  }

  /** With auth on: a user per node that may touch only keys below `prefix`. */
  async usersFor(
    clientUrl: string,
    prefix: string,
    nodes: readonly string[],
  ): Promise<Record<string, Credentials>> {
    if (!this.#root) return {};
    return await prefixUsers(clientUrl, prefix, nodes);
  }

  /** Forgets the access registered for the members. */
  close(): void {
    this.#forget();
  }

  #refresh(): void {
    this.#forget();
    this.#forget = this.access && this.#urls.length > 0
      ? registerAccess(this.#urls, this.access)
      : () => {};
  }
}
