import { Etcd3 } from "etcd3";
import { noop } from "cockatiel";
import type { Cluster, MemberInfo } from "./cluster.ts";
import type { ConnectOptions } from "./connect.ts";
import { clientOptions } from "./connect.ts";
import { HarnessError, UsageError } from "../proc/errors.ts";
import { registerAccess } from "./access.ts";

/** Options of an {@link ExternalCluster}. */
export interface ExternalClusterOptions {
  /** Client URLs of the members, e.g. https://etcd-1:2379. */
  endpoints: string[];
  connect?: ConnectOptions;
}

/** Parses and checks `--endpoints URL,URL`: http(s) URLs with a port, no path. */
export function parseEndpoints(text: string, tls: boolean): string[] {
  const urls = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (urls.length === 0) {
    throw new UsageError("--endpoints: give the members' client URLs, URL,URL");
  }
  return urls.map((s) => {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new UsageError(`--endpoints: ${s} is not a URL: give e.g. http://etcd-1:2379`);
    }
    if (
      !["http:", "https:"].includes(u.protocol) || !u.port || (u.pathname !== "/" && u.pathname)
    ) {
      throw new UsageError(
        `--endpoints: ${s}: give http(s)://host:port (a member's client URL, no path)`,
      );
    }
    if ((u.protocol === "https:") !== tls) {
      throw new UsageError(
        tls
          ? `--endpoints: ${s} is http but TLS options were given: use https URLs`
          : `--endpoints: ${s} is https: give --cacert (and --cert/--key if the cluster checks clients)`,
      );
    }
    return `${u.protocol}//${u.host}`;
  });
}

/**
 * An operator's own cluster: the harness only connects. No member control,
 * so only node-side faults; the runner keeps every key it writes below a
 * prefix of its own and removes it afterwards.
 */
export class ExternalCluster implements Cluster {
  readonly kind = "external";
  readonly control = undefined;
  readonly members: readonly MemberInfo[];
  readonly connect?: ConnectOptions;
  /** The operator's TLS and user: the harness's own probes use them too. */
  readonly access?: ConnectOptions;
  #clients: Etcd3[];
  #forgetAccess: () => void;

  constructor(opts: ExternalClusterOptions) {
    this.connect = opts.connect;
    this.access = opts.connect;
    this.members = opts.endpoints.map((url, i) => ({ name: `e${i + 1}`, clientUrl: url }));
    // The harness's own gateway reads (the run's probe) reach the members as the clients do.
    this.#forgetAccess = opts.connect ? registerAccess(opts.endpoints, opts.connect) : () => {};
    // One client per member, pinned to it: readiness is checked member by member.
    this.#clients = this.members.map((m) =>
      // No retries and no circuit breaker: a probe should say what failed, every time.
      new Etcd3({
        hosts: [m.clientUrl],
        ...clientOptions(opts.connect),
        faultHandling: { global: noop, host: () => noop },
      })
    );
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(this.members.map(async (m, i) => {
      while (true) {
        try {
          // A linearizable read: succeeds only through a member with a leader and a quorum.
          await this.#clients[i].get("etcd-drills/ready").options({
            deadline: new Date(Date.now() + 1000),
          }).exec();
          return;
        } catch (e) {
          if (Date.now() > deadline) {
            throw new HarnessError(
              `external member ${m.clientUrl} not ready after ${timeoutMs} ms (${
                (e as Error).message.split("\n")[0]
              }): check --endpoints, TLS and --user`,
            );
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }));
  }

  async leader(): Promise<string | undefined> {
    for (const [i, m] of this.members.entries()) {
      try {
        const s = await this.#clients[i].maintenance.status({
          deadline: new Date(Date.now() + 500),
        });
        if (s.leader === s.header.member_id) return m.name;
      } catch { /* try the next member */ }
    }
    return undefined;
  }

  stop(): Promise<void> {
    this.#forgetAccess();
    for (const c of this.#clients) c.close();
    this.#clients = [];
    return Promise.resolve();
  }
}
