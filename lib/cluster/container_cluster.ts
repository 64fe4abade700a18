import { GenericContainer, ImageName, Wait } from "testcontainers";
import type { StartedTestContainer } from "testcontainers";
import type { Cluster, MemberControl, MemberInfo } from "./cluster.ts";
import { assertPortFree, freePort, releasePort } from "../net/free_port.ts";
import { addMember, linearizableRead, memberList, memberStatus, removeMember } from "./gateway.ts";
import { HarnessError } from "../proc/errors.ts";
import { onCleanup } from "../proc/cleanup.ts";
import { docker, removeRun, runLabels, spawnWatchdog, sweepStaleDocker } from "./docker.ts";
import type { Dockerode } from "./docker.ts";
import { defaultImage, ETCD_IN_IMAGE, imageExists, LOCAL_IMAGE_REPO } from "./image.ts";
import { delayPeers, dropPeers, netemUnavailable, PEER_PORT } from "./netns.ts";
import { ClusterSecurity } from "./security.ts";
import type { SecurityOptions } from "./security.ts";
import type { ConnectOptions } from "./connect.ts";
import type { Credentials } from "./auth.ts";
import { makeOwnedTempDir } from "./stale.ts";
import { restoreSnapshot, saveSnapshot } from "./snapshot.ts";
import type { SnapshotInfo } from "./snapshot.ts";

/** Options of a {@link ContainerCluster}. */
export interface ContainerClusterOptions extends SecurityOptions {
  /** 1, 3 or 5. */
  members: number;
  /** Where member logs go (written when the cluster stops). */
  logDir: string;
  /** The etcd image; default: the local image `deno task image` built, else the official one. */
  image?: string;
  /** First of the fixed host ports (member i gets portsFrom + 2i); default: free ports. */
  portsFrom?: number;
  heartbeatMs?: number;
  electionMs?: number;
  /** etcd's `--quota-backend-bytes` (default: etcd's own, 2 GiB). */
  quotaBackendBytes?: number;
  /** etcd's `--snapshot-count` (default: etcd's own, 100000). */
  snapshotCount?: number;
}

const CLIENT_PORT = 2379;
/**
 * What a member logs once it serves clients: "ready to serve client requests"
 * with etcd 3.4's default logger, "serving client traffic …" with zap (3.5's default).
 */
const READY_LINE = /ready to serve client requests|serving client traffic/;

interface ContainerMember extends MemberInfo {
  /** Fixed host port on 127.0.0.1, kept across restarts. */
  hostPort: number;
  /** Container name: also its host name on the run's network. */
  host: string;
  started?: StartedTestContainer;
  containerId?: string;
  id?: string;
  /** A host dir bind-mounted as the data dir (a member restored from a snapshot). */
  dataMount?: string;
}

/** testcontainers' container, with its client port published on loopback only. */
class EtcdContainer extends GenericContainer {
  withLoopbackPort(containerPort: number, hostPort: number): this {
    this.withExposedPorts({ container: containerPort, host: hostPort });
    this.hostConfig.PortBindings = {
      [`${containerPort}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }],
    };
    return this;
  }
}

/**
 * etcd members as Docker containers on a network made for the run, started
 * through testcontainers. Member faults go through the Docker API (kill,
 * start, pause) and through the members' own network namespaces (iptables
 * drops for cut links, tc netem for delay). Every container and the network
 * carry the run's labels; see docker.ts for how leftovers are removed.
 */
export class ContainerCluster implements Cluster, MemberControl {
  readonly kind = "container";
  readonly control: MemberControl = this;
  readonly runId: string;
  readonly image: string;
  #members: ContainerMember[] = [];
  #opts:
    & Required<
      Omit<
        ContainerClusterOptions,
        "portsFrom" | "image" | "quotaBackendBytes" | "snapshotCount" | keyof SecurityOptions
      >
    >
    & Pick<
      ContainerClusterOptions,
      "portsFrom" | "quotaBackendBytes" | "snapshotCount" | keyof SecurityOptions
    >;
  #d!: Dockerode;
  #network = "";
  #cuts: [string, string][] = [];
  #delay = { delayMs: 0, jitterMs: 0 };
  #forget: () => void = () => {};
  #watchdog?: { close(): Promise<void> };
  #stopped = false;
  #security?: ClusterSecurity;
  /** Holds the run's certificates (--tls), bind-mounted read-only into every member. */
  #pkiDir?: string;
  /** Holds snapshots and restored data dirs (restore-snapshot). */
  #restoreDir?: string;
  #snapshots = 0;
  #restores = 0;

  private constructor(opts: ContainerClusterOptions, image: string) {
    this.#opts = { heartbeatMs: 100, electionMs: 1000, ...opts };
    this.image = image;
    this.runId = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
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

  /** The Docker network of the run. */
  get network(): string {
    return this.#network;
  }

  /**
   * Makes the network and starts the members in parallel, each resolved once
   * its log says it serves clients (see waitReady for a quorum).
   */
  static async start(opts: ContainerClusterOptions): Promise<ContainerCluster> {
    if (![1, 3, 5].includes(opts.members)) {
      throw new HarnessError(`--members ${opts.members}: a cluster has 1, 3 or 5 members`);
    }
    const client = await docker();
    const image = opts.image ?? await defaultImage();
    if (!await imageExists(image)) {
      if (image.startsWith(`${LOCAL_IMAGE_REPO}:`)) {
        throw new HarnessError(`image ${image} not found: build it with deno task image`);
      }
      try {
        await client.image.pull(ImageName.fromString(image));
      } catch (e) {
        throw new HarnessError(
          `image ${image} is not here and could not be pulled (${
            (e as Error).message.split("\n")[0]
          }): run deno task image to build a local one, or give --image`,
        );
      }
    }
    const c = new ContainerCluster(opts, image);
    c.#d = client.container.dockerode;
    await sweepStaleDocker(c.#d);
    await Deno.mkdir(opts.logDir, { recursive: true });
    c.#forget = onCleanup("container cluster", () => c.stop());
    c.#watchdog = spawnWatchdog(c.runId);
    try {
      c.#network = `etcd-drills-${c.runId}`;
      await c.#d.createNetwork({
        Name: c.#network,
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: runLabels(c.runId),
      });
      for (let i = 0; i < opts.members; i++) {
        let hostPort: number;
        if (opts.portsFrom) {
          hostPort = opts.portsFrom + 2 * i;
          assertPortFree(hostPort);
        } else {
          hostPort = freePort();
        }
        c.#members.push({
          name: `m${i + 1}`,
          hostPort,
          host: `etcd-drills-${c.runId}-m${i + 1}`,
          clientUrl: "",
        });
      }
      if (opts.tls) c.#pkiDir = await makeOwnedTempDir();
      c.#security = await ClusterSecurity.make(
        opts,
        c.#pkiDir ?? "",
        c.#members.map((m) => m.host),
      );
      for (const m of c.#members) m.clientUrl = `${c.#security.scheme}://127.0.0.1:${m.hostPort}`;
      c.#security.register(c.#members.map((m) => m.clientUrl));
      await Promise.all(c.#members.map((m) => c.#create(m)));
    } catch (e) {
      await c.stop().catch(() => {});
      if (e instanceof HarnessError) throw e;
      throw new HarnessError(
        `container cluster did not start: ${(e as Error).message.split("\n")[0]}`,
      );
    }
    return c;
  }

  async #create(m: ContainerMember, state: "new" | "existing" = "new"): Promise<void> {
    const security = this.#security!;
    const scheme = security.scheme;
    const initialCluster = this.#members.map((p) => `${p.name}=${scheme}://${p.host}:${PEER_PORT}`)
      .join(",");
    const args = [
      "--name",
      m.name,
      "--data-dir",
      "/var/lib/etcd/data",
      "--listen-client-urls",
      `${scheme}://0.0.0.0:${CLIENT_PORT}`,
      "--advertise-client-urls",
      m.clientUrl,
      "--listen-peer-urls",
      `${scheme}://0.0.0.0:${PEER_PORT}`,
      "--initial-advertise-peer-urls",
      `${scheme}://${m.host}:${PEER_PORT}`,
      "--initial-cluster",
      initialCluster,
      "--initial-cluster-state",
      state,
      "--initial-cluster-token",
      `drills-${this.runId}`,
      "--heartbeat-interval",
      String(this.#opts.heartbeatMs),
      "--election-timeout",
      String(this.#opts.electionMs),
      "--logger",
      "zap",
      "--log-outputs",
      "stderr",
      ...security.etcdArgs((path) => `/pki/${path.split("/").pop()}`),
      ...(this.#opts.quotaBackendBytes
        ? ["--quota-backend-bytes", String(this.#opts.quotaBackendBytes)]
        : []),
      ...(this.#opts.snapshotCount ? ["--snapshot-count", String(this.#opts.snapshotCount)] : []),
    ]; // deno-fmt-ignore
    const container = new EtcdContainer(this.image)
      .withName(m.host)
      .withNetworkMode(this.#network)
      .withLabels(runLabels(this.runId))
      .withEntrypoint([ETCD_IN_IMAGE])
      .withCommand(args)
      .withLoopbackPort(CLIENT_PORT, m.hostPort)
      .withWaitStrategy(Wait.forLogMessage(READY_LINE))
      .withStartupTimeout(30_000)
      // Kept when it stops: a killed member restarts on its data; the run removes it at the end.
      .withAutoRemove(false)
      // The harness removes what it made (labels, watchdog, sweep): no reaper. testcontainers
      // would also take a file lock per container for one, serialising a parallel start.
      .withAutoCleanup(false);
    container.withBindMounts([
      ...(this.#pkiDir ? [{ source: this.#pkiDir, target: "/pki", mode: "ro" as const }] : []),
      ...(m.dataMount
        ? [{ source: m.dataMount, target: "/var/lib/etcd/data", mode: "rw" as const }]
        : []),
    ]);
    try {
      m.started = await container.start();
      m.containerId = m.started.getId();
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0];
      if (/address already in use|port is already allocated/i.test(msg)) {
        throw new HarnessError(
          `etcd member ${m.name} could not publish port ${m.hostPort} (already in use): free it or choose another --ports-from`,
        );
      }
      throw new HarnessError(`etcd member ${m.name} did not start in its container: ${msg}`);
    }
  }

  #member(name: string): ContainerMember {
    const m = this.#members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  #container(m: ContainerMember) {
    if (!m.containerId) throw new Error(`member ${m.name} has no container`);
    return this.#d.getContainer(m.containerId);
  }

  async #state(
    m: ContainerMember,
  ): Promise<{ running: boolean; paused: boolean; pid: number; ip?: string }> {
    const info = await this.#container(m).inspect();
    return {
      running: info.State.Running,
      paused: info.State.Paused,
      pid: info.State.Pid,
      ip: info.NetworkSettings.Networks[this.#network]?.IPAddress || undefined,
    };
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(this.#members.map(async (m) => {
      while (true) {
        try {
          await linearizableRead(m.clientUrl, 500);
          return;
        } catch {
          if (Date.now() > deadline) {
            const s = await this.#state(m).catch(() => undefined);
            throw new HarnessError(
              `etcd member ${m.name} (container ${m.host}) not ready after ${timeoutMs} ms${
                s && !s.running ? ": its container is not running" : ""
              }; its log goes to ${this.#opts.logDir}/${m.name}.log`,
            );
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }));
    if (!this.#members[0].id) {
      const list = await memberList(this.#members[0].clientUrl);
      for (const m of this.#members) m.id = list.find((x) => x.name === m.name)?.id;
    }
    await this.#security?.enable(this.#members[0].clientUrl);
  }

  /** How the harness connects: the run's CA with --tls, root with --auth. */
  get access(): ConnectOptions | undefined {
    return this.#security?.access;
  }

  /** With --auth: a user per node that may touch only keys below `prefix`. */
  usersFor(prefix: string, nodes: readonly string[]): Promise<Record<string, Credentials>> {
    return this.#security?.usersFor(this.#members[0].clientUrl, prefix, nodes) ??
      Promise.resolve({});
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

  async kill(name: string): Promise<void> {
    const m = this.#member(name);
    const c = this.#container(m);
    const s = await this.#state(m);
    if (!s.running) return;
    if (s.paused) await c.unpause();
    await c.kill({ signal: "SIGKILL" }).catch((e: Error) => {
      if (!/is not running/i.test(e.message)) throw e;
    });
    await c.wait({ condition: "not-running" });
  }

  /** Starts the member's container again on its data; same host port, so clients reconnect. */
  async restart(name: string): Promise<void> {
    const m = this.#member(name);
    await this.kill(name);
    await this.#container(m).start();
    // A restarted container has a fresh network namespace: put the current link faults back.
    await this.#applyLinks([m]);
  }

  async terminate(name: string, graceMs: number): Promise<void> {
    const m = this.#member(name);
    const s = await this.#state(m);
    if (!s.running) return;
    if (s.paused) await this.#container(m).unpause();
    // docker stop: SIGTERM, SIGKILL after t seconds.
    await this.#container(m).stop({ t: Math.max(1, Math.ceil(graceMs / 1000)) });
  }

  /** Kills the member, removes it through the cluster API and removes its container (its data). */
  async remove(name: string): Promise<string> {
    const m = this.#member(name);
    const id = m.id;
    if (!id) throw new Error(`member ${name} has no id yet (is the cluster ready?)`);
    await this.kill(name);
    await this.#throughOthers(m, (url) => removeMember(url, id));
    m.id = undefined;
    await this.#saveLog(m, `${m.name}.removed-${id}.log`);
    await this.#container(m).remove({ force: true, v: true });
    m.containerId = undefined;
    m.started = undefined;
    return id;
  }

  /** A new container for the member (same name, host and port), joining with an empty data dir. */
  async addBack(name: string): Promise<string> {
    const m = this.#member(name);
    if (m.containerId) throw new Error(`member ${name} has a container: remove it first`);
    const id = await this.#throughOthers(
      m,
      (url) => addMember(url, [`${this.#security!.scheme}://${m.host}:${PEER_PORT}`]),
    );
    m.id = id;
    await this.#create(m, "existing");
    await this.#applyLinks([m]);
    return id;
  }

  async saveSnapshot(name: string): Promise<SnapshotInfo> {
    const m = this.#member(name);
    this.#restoreDir ??= await makeOwnedTempDir();
    const path = `${this.#restoreDir}/snapshot-${++this.#snapshots}.db`;
    return await saveSnapshot(m.clientUrl, path, this.#security!.access);
  }

  /**
   * Stops every member (SIGKILL), keeps its log,
   * removes its container, restores its data dir on the host (etcdctl
   * snapshot restore) and starts a new container of the same name, host and
   * port on it (bind-mounted); they start together (none serves alone).
   */
  async restoreAll(snapshot: SnapshotInfo): Promise<void> {
    this.#restoreDir ??= await makeOwnedTempDir();
    const n = ++this.#restores;
    const scheme = this.#security!.scheme;
    const initialCluster = this.#members.map((p) => `${p.name}=${scheme}://${p.host}:${PEER_PORT}`)
      .join(",");
    await Promise.all(this.#members.map((m) => this.kill(m.name)));
    for (const m of this.#members) {
      await this.#saveLog(m, `${m.name}.before-restore-${n}.log`);
      if (m.containerId) await this.#container(m).remove({ force: true, v: true });
      m.containerId = undefined;
      m.started = undefined;
      m.dataMount = `${this.#restoreDir}/${m.name}-restored-${n}`;
      await restoreSnapshot({
        path: snapshot.path,
        name: m.name,
        initialCluster,
        peerUrl: `${scheme}://${m.host}:${PEER_PORT}`,
        token: `drills-${this.runId}`,
        dataDir: m.dataMount,
      });
    }
    await Promise.all(this.#members.map((m) => this.#create(m, "existing")));
    await this.#applyLinks(this.#members);
  }

  /** A cluster call through the first other member that answers. */
  async #throughOthers<T>(not: ContainerMember, call: (url: string) => Promise<T>): Promise<T> {
    let last: unknown;
    for (const o of this.#members) {
      if (o === not || !o.containerId) continue;
      try {
        return await call(o.clientUrl);
      } catch (e) {
        last = e;
      }
    }
    throw new Error(`no member took the call: ${(last as Error)?.message ?? "none running"}`);
  }

  async pause(name: string): Promise<void> {
    const m = this.#member(name);
    if ((await this.#state(m)).running) await this.#container(m).pause();
  }

  async resume(name: string): Promise<void> {
    const m = this.#member(name);
    if ((await this.#state(m)).paused) await this.#container(m).unpause();
  }

  async cutLinks(pairs: [string, string][]): Promise<void> {
    for (const [a, b] of pairs) {
      this.#member(a);
      this.#member(b);
    }
    this.#cuts = pairs.map(([a, b]) => [a, b]);
    await this.#applyLinks(this.#members);
  }

  async delayLinks(delayMs: number, jitterMs: number): Promise<void> {
    if (delayMs > 0) {
      const why = await netemUnavailable();
      if (why) throw new HarnessError(`${why}: latency-peer needs it on a container cluster`);
    }
    this.#delay = { delayMs, jitterMs };
    await this.#applyLinks(this.#members);
  }

  /** Puts the current cuts and delay into the namespaces of running members `which`. */
  async #applyLinks(which: readonly ContainerMember[]): Promise<void> {
    const states = new Map(
      await Promise.all(this.#members.map(async (m) => [m.name, await this.#state(m)] as const)),
    );
    await Promise.all(which.map(async (m) => {
      const s = states.get(m.name)!;
      if (!s.running || !s.pid) return; // a stopped member gets them when it restarts
      const peers = this.#cuts.flatMap(([a, b]) => a === m.name ? [b] : b === m.name ? [a] : []);
      const ips = peers.map((p) => states.get(p)?.ip).filter((ip): ip is string => !!ip);
      await dropPeers(s.pid, ips);
      await delayPeers(s.pid, this.#delay.delayMs, this.#delay.jitterMs);
    }));
  }

  /** Disconnects the member from the run's network: no peer and no client reaches it. */
  async disconnect(name: string): Promise<void> {
    const m = this.#member(name);
    await this.#d.getNetwork(this.#network).disconnect({ Container: m.containerId, Force: true });
  }

  /** Connects the member to the run's network again (its name resolves again for its peers). */
  async connect(name: string): Promise<void> {
    const m = this.#member(name);
    await this.#d.getNetwork(this.#network).connect({ Container: m.containerId });
  }

  /** Writes each member's log (all its incarnations) to the log dir. */
  async #saveLogs(): Promise<void> {
    await Promise.all(this.#members.map((m) => this.#saveLog(m, `${m.name}.log`)));
  }

  /** Writes the log of the member's current container to the log dir as `file`. */
  async #saveLog(m: ContainerMember, file: string): Promise<void> {
    if (!m.containerId) return;
    try {
      const raw = await this.#container(m).logs({ stdout: true, stderr: true, follow: false });
      await Deno.writeFile(`${this.#opts.logDir}/${file}`, demux(raw as Uint8Array));
    } catch { /* container gone */ }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      if (this.#d) {
        await this.#saveLogs();
        await removeRun(this.#d, this.runId);
      }
    } finally {
      this.#security?.close();
      if (this.#pkiDir) await Deno.remove(this.#pkiDir, { recursive: true }).catch(() => {});
      if (this.#restoreDir) {
        await Deno.remove(this.#restoreDir, { recursive: true }).catch(() => {});
      }
      await this.#watchdog?.close();
      releasePort(...this.#members.map((m) => m.hostPort));
      this.#forget();
    }
  }
}

/** Docker's log stream without its 8-byte frame headers (stream type, 0, 0, 0, length). */
function demux(raw: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let i = 0;
  while (i + 8 <= raw.length) {
    const len = new DataView(raw.buffer, raw.byteOffset + i + 4, 4).getUint32(0);
    parts.push(raw.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  if (i === 0) return raw; // a TTY container's log has no frames
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
