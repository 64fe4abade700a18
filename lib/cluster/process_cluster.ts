import type { Cluster, MemberControl, MemberInfo } from "./cluster.ts";
import { findEtcd } from "./etcd_binary.ts";
import { assertPortFree, freePort } from "./free_port.ts";
import { linearizableRead, memberList, memberStatus } from "./gateway.ts";
import { PeerNetwork } from "../net/peer_network.ts";
import { HarnessError } from "../errors.ts";
import { makeOwnedTempDir, sweepStale } from "./stale.ts";
import { onCleanup, spawnTied } from "../runner/cleanup.ts";
import { makeCertificates } from "./certs.ts";
import type { RunCertificates } from "./certs.ts";
import { registerAccess } from "./access.ts";
import type { ConnectOptions } from "./connect.ts";
import { enableAuth, prefixUsers, randomPassword } from "./auth.ts";
import type { Credentials } from "./auth.ts";

/** Options of a {@link ProcessCluster}. */
export interface ProcessClusterOptions {
  /** 1, 3 or 5. */
  members: number;
  /** Where member logs go (kept after the run). */
  logDir: string;
  /** First of the fixed ports to use (two per member: client, peer); default: free ports. */
  portsFrom?: number;
  /** Raft timing; small values make failover fast on loopback. */
  heartbeatMs?: number;
  electionMs?: number;
  /** TLS on client and peer traffic, with certificates from a CA the run makes. */
  tls?: boolean;
  /** Auth enabled: a root user for the harness, a user per node (see usersFor). */
  auth?: boolean;
  /** etcd's --auth-token-ttl, seconds (simple tokens; etcd's default 300). */
  authTokenTtl?: number;
}

interface ProcessMember extends MemberInfo {
  clientPort: number;
  /** The port etcd really listens on for peers; its peers reach it through the proxy. */
  peerPort: number;
  proxyPort: number;
  dataDir: string;
  child?: Deno.ChildProcess;
  /** Set when the current child exited by itself or was killed. */
  exited?: boolean;
  id?: string;
}

/**
 * etcd members as local processes on loopback: the embedded default. Every
 * member's peer traffic passes a raft-aware proxy so links can be cut.
 */
export class ProcessCluster implements Cluster, MemberControl {
  readonly kind = "process";
  readonly control: MemberControl = this;
  #members: ProcessMember[] = [];
  #opts:
    & Required<Omit<ProcessClusterOptions, "portsFrom" | "tls" | "auth" | "authTokenTtl">>
    & Pick<ProcessClusterOptions, "portsFrom" | "tls" | "auth" | "authTokenTtl">;
  #etcd = "";
  #tmp = "";
  #net!: PeerNetwork;
  #forget: () => void = () => {};
  #forgetAccess: () => void = () => {};
  #stopped = false;
  #certs?: RunCertificates;
  #root?: Credentials;
  /** How the harness connects: the run's CA with --tls, root with --auth. */
  access?: ConnectOptions;

  private constructor(opts: ProcessClusterOptions) {
    this.#opts = { heartbeatMs: 100, electionMs: 1000, ...opts };
  }

  get members(): readonly MemberInfo[] {
    return this.#members;
  }

  /** Starts the members in parallel; resolve once they are spawned (see waitReady). */
  static async start(opts: ProcessClusterOptions): Promise<ProcessCluster> {
    if (![1, 3, 5].includes(opts.members)) {
      throw new HarnessError(`--members ${opts.members}: a cluster has 1, 3 or 5 members`);
    }
    const c = new ProcessCluster(opts);
    c.#etcd = await findEtcd();
    await sweepStale();
    c.#tmp = await makeOwnedTempDir();
    c.#forget = onCleanup("process cluster", () => c.stop());
    await Deno.mkdir(opts.logDir, { recursive: true });
    if (opts.tls) {
      await Deno.mkdir(`${c.#tmp}/pki`);
      c.#certs = await makeCertificates(`${c.#tmp}/pki`);
    }
    const scheme = opts.tls ? "https" : "http";
    for (let i = 0; i < opts.members; i++) {
      const name = `m${i + 1}`;
      let clientPort: number, proxyPort: number;
      if (opts.portsFrom) {
        clientPort = opts.portsFrom + 2 * i;
        proxyPort = opts.portsFrom + 2 * i + 1;
        assertPortFree(clientPort);
        assertPortFree(proxyPort);
      } else {
        clientPort = freePort();
        proxyPort = freePort();
      }
      c.#members.push({
        name,
        clientPort,
        peerPort: freePort(),
        proxyPort,
        clientUrl: `${scheme}://127.0.0.1:${clientPort}`,
        dataDir: `${c.#tmp}/${name}`,
      });
    }
    const pem = c.#certs && {
      cert: await Deno.readTextFile(c.#certs.certFile),
      key: await Deno.readTextFile(c.#certs.keyFile),
      caCerts: [await Deno.readTextFile(c.#certs.caFile)],
    };
    c.#net = new PeerNetwork(
      c.#members.map((m) => ({ name: m.name, listenPort: m.proxyPort, targetPort: m.peerPort })),
      pem,
    );
    // grpc-js under Deno refuses an IP address as the TLS server name: check the certificate as localhost.
    if (c.#certs) c.#setAccess({ caFile: c.#certs.caFile, serverName: "localhost" });
    c.#net.start();
    for (const m of c.#members) c.#spawn(m, "new");
    return c;
  }

  #setAccess(connect: ConnectOptions): void {
    this.#forgetAccess();
    this.access = connect;
    this.#forgetAccess = registerAccess(this.#members.map((m) => m.clientUrl), connect);
  }

  /** etcd's flags for --tls and --auth (none for a plain cluster). */
  #secureArgs(): string[] {
    const args: string[] = [];
    const c = this.#certs;
    if (c) {
      args.push(
        "--cert-file",
        c.certFile,
        "--key-file",
        c.keyFile,
        "--peer-cert-file",
        c.certFile,
        "--peer-key-file",
        c.keyFile,
        "--peer-trusted-ca-file",
        c.caFile,
        "--peer-client-cert-auth",
      ); // deno-fmt-ignore
    }
    if (this.#opts.auth && this.#opts.authTokenTtl !== undefined) {
      args.push("--auth-token-ttl", String(this.#opts.authTokenTtl));
    }
    return args;
  }

  #spawn(m: ProcessMember, state: "new" | "existing"): void {
    const scheme = this.#certs ? "https" : "http";
    const initialCluster = this.#members.map((p) =>
      `${p.name}=${scheme}://127.0.0.1:${p.proxyPort}`
    ).join(",");
    const args = [
      "--name",
      m.name,
      "--data-dir",
      m.dataDir,
      "--listen-client-urls",
      m.clientUrl,
      "--advertise-client-urls",
      m.clientUrl,
      "--listen-peer-urls",
      `${scheme}://127.0.0.1:${m.peerPort}`,
      "--initial-advertise-peer-urls",
      `${scheme}://127.0.0.1:${m.proxyPort}`,
      "--initial-cluster",
      initialCluster,
      "--initial-cluster-state",
      state,
      "--initial-cluster-token",
      `drills-${this.#tmp.split("/").pop()}`,
      "--heartbeat-interval",
      String(this.#opts.heartbeatMs),
      "--election-timeout",
      String(this.#opts.electionMs),
      "--logger",
      "zap",
      "--log-outputs",
      `${this.#opts.logDir}/${m.name}.log`,
      ...this.#secureArgs(),
    ]; // deno-fmt-ignore
    const child = spawnTied(this.#etcd, args, { stdin: "null", stdout: "null", stderr: "null" });
    m.child = child;
    m.exited = false;
    child.status.then(() => {
      if (m.child === child) m.exited = true;
    });
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(this.#members.map(async (m) => {
      while (true) {
        if (m.exited) {
          throw new HarnessError(await this.#startFailure(m));
        }
        try {
          await linearizableRead(m.clientUrl, 500);
          return;
        } catch {
          if (Date.now() > deadline) {
            throw new HarnessError(
              `etcd member ${m.name} not ready after ${timeoutMs} ms: see ${this.#opts.logDir}/${m.name}.log`,
            );
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }));
    if (!this.#members[0].id) {
      const list = await memberList(this.#members[0].clientUrl);
      for (const m of this.#members) m.id = list.find((x) => x.name === m.name)?.id;
      this.#net.setIds(Object.fromEntries(this.#members.map((m) => [hexId(m.id!), m.name])));
    }
    if (this.#opts.auth && !this.#root) {
      this.#root = { username: "root", password: randomPassword() };
      await enableAuth(this.#members[0].clientUrl, this.#root);
      this.#setAccess({ ...this.access, ...this.#root });
    }
  }

  /** With --auth: a user per node that may touch only keys below `prefix`. */
  async usersFor(prefix: string, nodes: readonly string[]): Promise<Record<string, Credentials>> {
    if (!this.#root) return {};
    return await prefixUsers(this.#members[0].clientUrl, prefix, nodes);
  }

  async #startFailure(m: ProcessMember): Promise<string> {
    let log = "";
    try {
      log = await Deno.readTextFile(`${this.#opts.logDir}/${m.name}.log`);
    } catch { /* no log */ }
    if (/address already in use/.test(log)) {
      return `etcd member ${m.name} could not bind its ports (address already in use): free them or choose another --ports-from`;
    }
    return `etcd member ${m.name} exited at start: see ${this.#opts.logDir}/${m.name}.log`;
  }

  async leader(): Promise<string | undefined> {
    for (const m of this.#members) {
      try {
        const s = await memberStatus(m.clientUrl, 500);
        const leader = this.#members.find((x) => x.id === s.leader);
        if (leader) return leader.name;
      } catch { /* try the next member */ }
    }
    return undefined;
  }

  #member(name: string): ProcessMember {
    const m = this.#members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  async kill(name: string): Promise<void> {
    const m = this.#member(name);
    if (!m.child) return;
    signal(m.child, "SIGCONT");
    signal(m.child, "SIGKILL");
    await m.child.status;
    m.child = undefined;
  }

  async restart(name: string): Promise<void> {
    const m = this.#member(name);
    if (m.child) await this.kill(name);
    this.#spawn(m, "existing");
    await Promise.resolve();
  }

  pause(name: string): Promise<void> {
    const child = this.#member(name).child;
    if (child) signal(child, "SIGSTOP");
    return Promise.resolve();
  }

  resume(name: string): Promise<void> {
    const child = this.#member(name).child;
    if (child) signal(child, "SIGCONT");
    return Promise.resolve();
  }

  cutLinks(pairs: [string, string][]): Promise<void> {
    this.#net.cut(pairs);
    return Promise.resolve();
  }

  delayLinks(delayMs: number, jitterMs: number): Promise<void> {
    this.#net.delay(delayMs, jitterMs);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all(this.#members.map((m) => this.kill(m.name).catch(() => {})));
    this.#net?.close();
    if (this.#tmp) await Deno.remove(this.#tmp, { recursive: true }).catch(() => {});
    this.#forgetAccess();
    this.#forget();
  }
}

function signal(child: Deno.ChildProcess, sig: Deno.Signal): void {
  try {
    child.kill(sig);
  } catch { /* already gone */ }
}

/** etcd names members by a 64-bit id: decimal in JSON, hex in raft headers. */
function hexId(decimal: string): string {
  return BigInt(decimal).toString(16);
}
