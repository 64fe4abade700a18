import type { Watcher } from "etcd3";
import { LeaseKeeper } from "./lease_keeper.ts";
import type { LeaseKeeperOptions } from "./lease_keeper.ts";
import type { MemberClients } from "./member_clients.ts";

/** A successful registration: the lease the key lives under and the put's revision. */
export interface Registered {
  lease: string;
  revision: number;
}

/**
 * Keeps one key registered under a kept-alive lease, the service-registry
 * pattern: `register()` puts the key (granting a lease first when there is
 * none or the last one is gone), `lost()` resolves when the registration is
 * gone, and the caller registers again. A registration is lost when etcd
 * says its lease is gone (a keep-alive answered TTL 0) or when the key is
 * deleted or taken over (seen on a watch of the key, which is faster than
 * the next keep-alive). A replaced lease is revoked, so a holder never keeps
 * more than one.
 */
export class Registration {
  readonly key: string;
  readonly value: string;
  readonly #members: MemberClients;
  readonly #lease: LeaseKeeperOptions;
  #keeper?: LeaseKeeper;
  #watcher?: Watcher;
  #lost?: PromiseWithResolvers<string>;

  constructor(members: MemberClients, key: string, value: string, lease: LeaseKeeperOptions) {
    this.#members = members;
    this.key = key;
    this.value = value;
    this.#lease = lease;
  }

  /** The lease the key was last put under, if any. */
  get leaseId(): string | undefined {
    return this.#keeper?.id;
  }

  /**
   * Puts the key under a live lease. Throws when etcd cannot be reached or
   * refuses (the caller retries; a put that timed out may still have applied,
   * which a later `register()` makes good).
   */
  async register(): Promise<Registered> {
    if (!this.#keeper || this.#keeper.isLost) {
      const old = this.#keeper;
      this.#keeper = await LeaseKeeper.grant(this.#members, this.#lease);
      old?.revoke(); // usually gone already; otherwise it must not linger
    }
    const keeper = this.#keeper;
    const client = this.#members.current;
    let revision: number;
    try {
      const res = await client.put(this.key).value(this.value).lease(keeper.id).exec();
      revision = Number(res.header.revision);
    } catch (e) {
      this.#members.failed(client);
      if ((e as Error).name === "EtcdLeaseInvalidError") {
        keeper.markLost("the lease was gone at put");
      }
      throw e;
    }
    this.#follow(keeper, revision);
    return { lease: keeper.id, revision };
  }

  /** Resolves, with the reason, when the last registration is gone (at once if there is none). */
  lost(): Promise<string> {
    return this.#lost?.promise ?? Promise.resolve("not registered");
  }

  /** Deregisters: stops the keep-alives and revokes the lease, which deletes the key. */
  async close(): Promise<void> {
    this.#watcher?.cancel().catch(() => {});
    this.#watcher = undefined;
    await this.#keeper?.revoke();
  }

  /** Watches the key from just after our put and ties `lost()` to the lease and the key. */
  #follow(keeper: LeaseKeeper, revision: number): void {
    this.#watcher?.cancel().catch(() => {});
    const lost = Promise.withResolvers<string>();
    this.#lost = lost;
    const gone = (reason: string) => {
      keeper.markLost(reason); // the lease is revoked or expired, or no longer holds our key
      lost.resolve(reason);
    };
    keeper.lost.then((reason) => lost.resolve(reason));
    const watcher = this.#members.current.watch().key(this.key)
      .startRevision(String(revision + 1)).watcher();
    watcher.on("delete", () => gone("the key was deleted"));
    watcher.on("put", (kv) => {
      if (String(kv.lease) !== keeper.id) gone("the key was put under another lease");
    });
    watcher.on("error", () => {}); // a cancelled watch leaves the keep-alives to notice
    this.#watcher = watcher;
  }
}
