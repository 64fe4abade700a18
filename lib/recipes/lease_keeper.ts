import type { Etcd3 } from "etcd3";
import type { MemberClients } from "./member_clients.ts";

/** Settings of a {@link LeaseKeeper}. */
export interface LeaseKeeperOptions {
  /** Lease TTL, seconds. */
  ttl: number;
  /** Gap between keep-alives, ms; default TTL / 3, as etcd's own clients do. */
  intervalMs?: number;
  /** How long one keep-alive may wait for its answer before the next member is tried, ms; default min(interval, 500). */
  attemptMs?: number;
}

/**
 * A lease kept alive through whichever member answers. Each keep-alive has
 * its own short deadline; one that goes unanswered (a member cut off from the
 * quorum, killed or paused) is retried at once through the next member, so
 * a member fault costs one attempt, not the lease. The lease is declared
 * lost only when etcd says so (a keep-alive answered with TTL 0: revoked or
 * expired); while no member answers, nobody knows, and the keeper keeps
 * trying.
 */
export class LeaseKeeper {
  /** The lease id, decimal as etcd3 gives it. */
  readonly id: string;
  /** Resolves, with the reason, once etcd says the lease is gone. Never rejects. */
  readonly lost: Promise<string>;
  readonly #members: MemberClients;
  readonly #intervalMs: number;
  readonly #attemptMs: number;
  readonly #stop = new AbortController();
  #isLost = false;
  #resolveLost!: (reason: string) => void;

  private constructor(members: MemberClients, id: string, o: LeaseKeeperOptions) {
    this.#members = members;
    this.id = id;
    this.#intervalMs = o.intervalMs ?? o.ttl * 1000 / 3;
    this.#attemptMs = o.attemptMs ?? Math.min(this.#intervalMs, 500);
    this.lost = new Promise((r) => this.#resolveLost = r);
    this.#run();
  }

  /** Grants a lease through the current member and starts keeping it alive; throws when the grant fails. */
  static async grant(members: MemberClients, o: LeaseKeeperOptions): Promise<LeaseKeeper> {
    const client = members.current;
    try {
      const res = await client.leaseClient.leaseGrant({ TTL: o.ttl });
      return new LeaseKeeper(members, String(res.ID), o);
    } catch (e) {
      members.failed(client);
      throw e;
    }
  }

  /** True once etcd said the lease is gone, or it was revoked or released here. */
  get isLost(): boolean {
    return this.#isLost;
  }

  /** Marks the lease lost (e.g. its key vanished, so it was revoked or expired). */
  markLost(reason: string): void {
    if (this.#isLost) return;
    this.#isLost = true;
    this.#stop.abort();
    this.#resolveLost(reason);
  }

  /** Stops keeping it alive and revokes it; a failed revoke is ignored (the lease then expires by itself). */
  async revoke(): Promise<void> {
    this.markLost("revoked by its holder");
    const client = this.#members.current;
    try {
      await client.leaseClient.leaseRevoke({ ID: this.id });
    } catch {
      this.#members.failed(client);
    }
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const client = this.#members.current;
      let ttl: number;
      try {
        ttl = await keepAliveOnce(client, this.id, this.#attemptMs);
      } catch {
        this.#members.failed(client);
        await pause(50, signal); // a refused connection fails at once: no hot loop
        continue;
      }
      if (ttl <= 0) {
        this.markLost("etcd says the lease is gone (revoked or expired)");
        return;
      }
      await pause(this.#intervalMs, signal);
    }
  }
}

/** One keep-alive on a fresh stream, answered within `ms` or rejected; resolves with the TTL etcd granted. */
async function keepAliveOnce(client: Etcd3, id: string, ms: number): Promise<number> {
  const stream = await client.leaseClient.leaseKeepAlive({ deadline: new Date(Date.now() + ms) });
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("keep-alive unanswered")), ms + 50);
      stream.on("data", (res: { TTL: string }) => {
        clearTimeout(timer);
        resolve(Number(res.TTL));
      });
      stream.on("error", (e: Error) => {
        clearTimeout(timer);
        reject(e);
      });
      stream.write({ ID: id });
    });
  } finally {
    try {
      stream.end();
    } catch { /* already closed */ }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
