import type { Etcd3 } from "etcd3";

/**
 * One client per member, used one at a time: the current one until a call
 * through it fails, then the next. A client spread over every member picks a
 * member at random for each call and may keep a stream on one cut off from
 * the quorum, where calls hang instead of failing; moving on after a failure
 * reaches a working member within a few calls.
 */
export class MemberClients {
  readonly #clients: Etcd3[];
  #current = 0;

  /** `clients`: one per member, in any order (e.g. `ctx.endpoints.map((h) => ctx.client({ hosts: h }))`). */
  constructor(clients: Etcd3[]) {
    if (clients.length === 0) throw new Error("MemberClients needs at least one client");
    this.#clients = clients;
  }

  /** The client to use now. */
  get current(): Etcd3 {
    return this.#clients[this.#current];
  }

  /** Moves on to the next member, unless another caller already moved on from `client`. */
  failed(client: Etcd3): void {
    if (this.#clients[this.#current] === client) {
      this.#current = (this.#current + 1) % this.#clients.length;
    }
  }

  /** Closes every client. */
  close(): void {
    for (const c of this.#clients) c.close();
  }
}
