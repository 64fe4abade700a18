import { OPEN_LINK, TcpProxy } from "./tcp_proxy.ts";

/**
 * The proxy between one node and the cluster: a listener per member, so the
 * node's client fails over between members as it would on a real network,
 * and the runner can cut the node off or slow it without the node knowing.
 */
export class NodeProxy {
  #proxies: TcpProxy[];
  #blocked = false;
  #delay = { delayMs: 0, jitterMs: 0 };

  /**
   * Starts a listener on 127.0.0.1 for each member client URL; traffic flows
   * unhindered until `cut` or `delay`.
   */
  constructor(memberClientUrls: readonly string[]) {
    this.#proxies = memberClientUrls.map((url) => {
      const u = new URL(url);
      return new TcpProxy({
        target: { hostname: u.hostname, port: Number(u.port) },
        policy: () =>
          !this.#blocked && this.#delay.delayMs === 0
            ? OPEN_LINK
            : { blocked: this.#blocked, ...this.#delay },
        resettable: true, // reset-node and flap-node send the node an RST
      });
    });
    for (const p of this.#proxies) p.start();
  }

  /** Client URLs the node uses, one per member. */
  get endpoints(): string[] {
    return this.#proxies.map((p) => `127.0.0.1:${p.port}`);
  }

  /** Black-holes the node's traffic both ways (connections stay open) until heal. */
  cut(blocked: boolean): void {
    this.#blocked = blocked;
    for (const p of this.#proxies) p.refresh();
  }

  /** Adds delay with jitter to the node's traffic (0 removes it). */
  delay(delayMs: number, jitterMs: number): void {
    this.#delay = { delayMs, jitterMs };
    for (const p of this.#proxies) p.refresh();
  }

  /** Resets every connection of the node with a TCP RST; new ones are accepted. Returns how many. */
  reset(): number {
    return this.#proxies.reduce((n, p) => n + p.resetConnections(), 0);
  }

  /** How many connections the node has open through its proxies. */
  get connections(): number {
    return this.#proxies.reduce((n, p) => n + p.connections, 0);
  }

  /** Closes the listeners and every connection. */
  close(): void {
    for (const p of this.#proxies) p.close();
  }
}
