import type { Cluster, MemberControl, MemberInfo } from "./cluster.ts";
import { findEtcd } from "./etcd_binary.ts";
import { assertPortFree, freePort, releasePort, waitPortFree } from "../net/free_port.ts";
import { addMember, linearizableRead, memberList, memberStatus, removeMember } from "./gateway.ts";
import { PeerNetwork } from "../net/peer_network.ts";
import { HarnessError } from "../proc/errors.ts";
import { makeOwnedTempDir, sweepStale } from "./stale.ts";
import { onCleanup, spawnTied } from "../proc/cleanup.ts";
import type { ConnectOptions } from "./connect.ts";
import type { Credentials } from "./auth.ts";
import { ClusterSecurity } from "./security.ts";
import { restoreSnapshot, saveSnapshot } from "./snapshot.ts";
import type { SnapshotInfo } from "./snapshot.ts";
import type { SecurityOptions } from "./security.ts";

/** Options of a {@link ProcessCluster}. */
export interface ProcessClusterOptions extends SecurityOptions {
  /** 1, 3 or 5. */
  members: number;
  /** Where member logs go (kept after the run). */
  logDir: string;
  /** First of the fixed ports to use (two per member: client, peer); default: free ports. */
  portsFrom?: number;
  /** Raft timing; small values make failover fast on loopback. */
  heartbeatMs?: number;
  electionMs?: number;
  /** etcd's `--quota-backend-bytes` (default: etcd's own, 2 GiB). */
  quotaBackendBytes?: number;
  /** etcd's `--snapshot-count` (default: etcd's own, 100000); lag-until-snapshot needs a small one. */
  snapshotCount?: number;
}

/** How long a restarted member waits for its ports to be free. */
const PORT_WAIT_MS = 10_000;

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
    & Required<
      Omit<
        ProcessClusterOptions,
        "portsFrom" | "quotaBackendBytes" | "snapshotCount" | keyof SecurityOptions
      >
    >
    & Pick<
      ProcessClusterOptions,
      "portsFrom" | "quotaBackendBytes" | "snapshotCount" | keyof SecurityOptions
    >;
  #etcd = "";
  #tmp = "";
  #net!: PeerNetwork;
  #forget: () => void = () => {};
  #stopped = false;
  #security!: ClusterSecurity;
  #snapshots = 0;
  #restores = 0;

  private constructor(opts: ProcessClusterOptions) {
    this.#opts = { heartbeatMs: 100, electionMs: 1000, ...opts };
  }

  get members(): readonly MemberInfo[] {
    return this.#members;
  }

  get quotaBackendBytes(): number | undefined {
    return this.#opts.quotaBackendBytes;
  }

  get snapshotCount(): number | undefined {
    return this.#opts.snapshotCount;
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
    c.#security = await ClusterSecurity.make(opts, `${c.#tmp}/pki`);
    const scheme = c.#security.scheme;
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
    const certs = c.#security.certs;
    const pem = certs && {
      cert: await Deno.readTextFile(certs.certFile),
      key: await Deno.readTextFile(certs.keyFile),
      caCerts: [await Deno.readTextFile(certs.caFile)],
    };
    c.#net = new PeerNetwork(
      c.#members.map((m) => ({ name: m.name, listenPort: m.proxyPort, targetPort: m.peerPort })),
      pem,
    );
    c.#security.register(c.#members.map((m) => m.clientUrl));
    c.#net.start();
    for (const m of c.#members) c.#spawn(m, "new");
    return c;
  }

  /** How the harness connects: the run's CA with --tls, root with --auth. */
  get access(): ConnectOptions | undefined {
    return this.#security.access;
  }

  /** `name=peerURL,…` of every member, the peer URLs being their proxies. */
  #initialCluster(): string {
    return this.#members.map((p) => `${p.name}=${this.#peerUrl(p)}`).join(",");
  }

  /** The peer URL a member advertises: its proxy. */
  #peerUrl(m: ProcessMember): string {
    return `${this.#security.scheme}://127.0.0.1:${m.proxyPort}`;
  }

  #token(): string {
    return `drills-${this.#tmp.split("/").pop()}`;
  }

  #spawn(m: ProcessMember, state: "new" | "existing"): void {
    const scheme = this.#security.scheme;
    const initialCluster = this.#initialCluster();
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
      this.#token(),
      "--heartbeat-interval",
      String(this.#opts.heartbeatMs),
      "--election-timeout",
      String(this.#opts.electionMs),
      "--logger",
      "zap",
      "--log-outputs",
      `${this.#opts.logDir}/${m.name}.log`,
      ...this.#security.etcdArgs(),
      ...(this.#opts.quotaBackendBytes
        ? ["--quota-backend-bytes", String(this.#opts.quotaBackendBytes)]
        : []),
      ...(this.#opts.snapshotCount ? ["--snapshot-count", String(this.#opts.snapshotCount)] : []),
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
    await this.#security.enable(this.#members[0].clientUrl);
  }

  /** With --auth: a user per node that may touch only keys below `prefix`. */
  usersFor(prefix: string, nodes: readonly string[]): Promise<Record<string, Credentials>> {
    return this.#security.usersFor(this.#members[0].clientUrl, prefix, nodes);
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
    await this.#portsFree(m);
    this.#spawn(m, "existing");
  }

  /** Waits (bounded) until the member's own ports can be bound again. */
  async #portsFree(m: ProcessMember): Promise<void> {
    await waitPortFree(m.clientPort, PORT_WAIT_MS);
    await waitPortFree(m.peerPort, PORT_WAIT_MS);
  }

  async terminate(name: string, graceMs: number): Promise<void> {
    const m = this.#member(name);
    const child = m.child;
    if (!child) return;
    signal(child, "SIGCONT");
    signal(child, "SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gone = await Promise.race([
      child.status.then(() => true),
      new Promise<boolean>((r) => timer = setTimeout(() => r(false), graceMs)),
    ]);
    clearTimeout(timer);
    if (!gone) await this.kill(name);
    m.child = undefined;
  }

  async remove(name: string): Promise<string> {
    const m = this.#member(name);
    const id = m.id;
    if (!id) throw new Error(`member ${name} has no id yet (is the cluster ready?)`);
    await this.kill(name);
    await this.#throughOthers(m, (url) => removeMember(url, id));
    m.id = undefined;
    await Deno.remove(m.dataDir, { recursive: true }).catch(() => {});
    return id;
  }

  async addBack(name: string): Promise<string> {
    const m = this.#member(name);
    if (m.child) throw new Error(`member ${name} is running: remove it first`);
    const peerUrl = `${this.#security.scheme}://127.0.0.1:${m.proxyPort}`;
    await this.#portsFree(m); // before the add: a member added that cannot start would stay a voter
    const id = await this.#throughOthers(m, (url) => addMember(url, [peerUrl]));
    m.id = id;
    this.#net.setIds({ [hexId(id)]: m.name });
    this.#spawn(m, "existing");
    return id;
  }

  /** A cluster call through the first other member that answers (each bounded by its own deadline). */
  async #throughOthers<T>(not: ProcessMember, call: (url: string) => Promise<T>): Promise<T> {
    let last: unknown;
    for (const o of this.#members) {
      if (o === not || !o.child) continue;
      try {
        return await call(o.clientUrl);
      } catch (e) {
        last = e;
      }
    }
    throw new Error(`no member took the call: ${(last as Error)?.message ?? "none running"}`);
  }

  async saveSnapshot(name: string): Promise<SnapshotInfo> {
    const m = this.#member(name);
    const path = `${this.#tmp}/snapshot-${++this.#snapshots}.db`;
    return await saveSnapshot(m.clientUrl, path, this.#security.access);
  }

  async restoreAll(snapshot: SnapshotInfo): Promise<void> {
    await Promise.all(this.#members.map((m) => this.kill(m.name)));
    this.#restores++;
    for (const m of this.#members) {
      const fresh = `${this.#tmp}/${m.name}-restored-${this.#restores}`;
      await restoreSnapshot({
        path: snapshot.path,
        name: m.name,
        initialCluster: this.#initialCluster(),
        peerUrl: this.#peerUrl(m),
        token: this.#token(),
        dataDir: fresh,
      });
      await Deno.remove(m.dataDir, { recursive: true }).catch(() => {});
      m.dataDir = fresh;
    }
    for (const m of this.#members) await this.#portsFree(m);
    for (const m of this.#members) this.#spawn(m, "existing");
  }

  async pause(name: string): Promise<void> {
    const child = this.#member(name).child;
    if (!child) return;
    signal(child, "SIGSTOP");
    await stopped(child.pid);
  }

  resume(name: string): Promise<void> {
    const child = this.#member(name).child;
    if (child) signal(child, "SIGCONT");
    return Promise.resolve();
  }

  cutLinks(pairs: [string, string][], o?: { drop?: boolean }): Promise<void> {
    this.#net.cut(pairs, o);
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
    this.#security?.close();
    releasePort(...this.#members.flatMap((m) => [m.clientPort, m.peerPort, m.proxyPort]));
    this.#forget();
  }
}

/** How long a pause waits for the kernel to stop every thread of the member, ms. */
const STOP_WAIT_MS = 1000;

/**
 * Resolves once the process is stopped (state T in /proc) or after
 * {@link STOP_WAIT_MS}: SIGSTOP takes effect a moment after kill() returns,
 * and a request sent in that moment was answered by the "paused" member.
 */
async function stopped(pid: number): Promise<void> {
  const deadline = Date.now() + STOP_WAIT_MS;
  while (Date.now() < deadline) {
    try {
      const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state === "T" || state === "t") return;
    } catch {
      return; // gone: nothing left to answer
    }
    await new Promise((r) => setTimeout(r, 5));
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
