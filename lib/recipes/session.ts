import type { Etcd3, Lease } from "../cluster/etcd3_types.ts";

/**
 * A lease kept alive for as long as the node lives, like etcd's Go
 * concurrency Session. `lost` turns true when etcd says the lease is gone
 * (expired or revoked); a lost session is never reused.
 */
export class Session {
  /** The etcd3 lease, kept alive automatically; put keys under it with `lease.put(key)`. */
  readonly lease: Lease;
  /** The lease id, decimal as etcd3 gives it. */
  readonly id: string;
  /** True once etcd3 reports the lease lost (expired or revoked); the session is then done. */
  lost = false;

  private constructor(lease: Lease, id: string) {
    this.lease = lease;
    this.id = id;
    lease.on("lost", () => this.lost = true);
  }

  /** Grants a lease of `ttl` seconds and keeps it alive. */
  static async open(client: Etcd3, ttl: number): Promise<Session> {
    const lease = client.lease(ttl, { autoKeepAlive: true });
    lease.on("lost", () => {}); // an unhandled "lost" would crash the node
    const id = await lease.grant();
    return new Session(lease, id);
  }

  /** The lease id in hex, as etcd tools print it. */
  get hexId(): string {
    return BigInt(this.id).toString(16);
  }

  /** Revokes the lease (best effort) and stops keeping it alive. */
  async close(): Promise<void> {
    await this.lease.revoke().catch(() => {});
  }
}
