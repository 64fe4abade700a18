import { OPEN_LINK, TcpProxy } from "./tcp_proxy.ts";
import type { LinkPolicy } from "./tcp_proxy.ts";

/**
 * The member-to-member network of a process cluster: one proxy in front of
 * each member's peer port. etcd names the sender of every raft request in the
 * `X-Server-From` header, so the proxy knows both ends of each connection and
 * can cut exactly the pairs a partition separates.
 */
export class PeerNetwork {
  #proxies = new Map<string, TcpProxy>();
  #names = new Map<string, string>(); // hex member id → member name
  #cut = new Set<string>();
  #delay = { delayMs: 0, jitterMs: 0 };
  #bootstrapping = true;
  #dropping = false;

  /** With `tls` (PEM text) the proxies terminate the members' peer TLS to read who is sending. */
  constructor(
    members: { name: string; listenPort: number; targetPort: number }[],
    tls?: { cert: string; key: string; caCerts: string[] },
  ) {
    for (const m of members) {
      this.#proxies.set(
        m.name,
        new TcpProxy({
          target: { hostname: "127.0.0.1", port: m.targetPort },
          listenPort: m.listenPort,
          identify: senderOf,
          // A new member asks its peers for their member list and waits up to 1 s
          // for each; they cannot answer until they have started too. Refusing
          // at once during bootstrap saves those seconds.
          refuse: (head) => this.#bootstrapping && head.startsWith("GET /members"),
          policy: (sender) => this.#policy(sender, m.name),
          tls,
        }),
      );
    }
  }

  start(): void {
    for (const p of this.#proxies.values()) p.start();
  }

  /** Tells the network which member each raft id is (known once the cluster runs). */
  setIds(hexToName: Record<string, string>): void {
    for (const [hex, name] of Object.entries(hexToName)) this.#names.set(hex, name);
    this.#bootstrapping = false;
    this.#refresh();
  }

  /**
   * Cuts exactly these pairs (both directions); every other link is open.
   * A cut link holds its bytes and delivers them when it opens again. With
   * `drop` it is a blackhole instead: the links cut until now lose their
   * connections with what they held, and the new cut links lose every byte
   * sent over them (raft then has to resend, from a snapshot if its log no
   * longer has the entries; etcd would otherwise deliver the entries it
   * queued during the cut). Returns how many connections it closed.
   */
  cut(pairs: [string, string][], o: { drop?: boolean } = {}): number {
    let dropped = 0;
    if (o.drop) {
      for (const [receiver, proxy] of this.#proxies) {
        dropped += proxy.closeLinks((hex) => {
          const sender = hex ? this.#names.get(hex) : undefined;
          return sender !== undefined && this.#cut.has(`${sender}|${receiver}`);
        });
      }
    }
    this.#cut = new Set(pairs.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));
    this.#dropping = o.drop === true;
    this.#refresh();
    return dropped;
  }

  /** Delays every member-to-member link. */
  delay(delayMs: number, jitterMs: number): void {
    this.#delay = { delayMs, jitterMs };
    this.#refresh();
  }

  close(): void {
    for (const p of this.#proxies.values()) p.close();
  }

  #policy(senderHex: string | undefined, receiver: string): LinkPolicy {
    const sender = senderHex ? this.#names.get(senderHex) : undefined;
    // Probes without a sender (GET /version, /members) pass unless the receiver is cut from everyone.
    const blocked = sender ? this.#cut.has(`${sender}|${receiver}`) : this.#isolated(receiver);
    if (!blocked && this.#delay.delayMs === 0) return OPEN_LINK;
    return { blocked, drop: blocked && this.#dropping, ...this.#delay };
  }

  #isolated(member: string): boolean {
    const others = [...this.#proxies.keys()].filter((n) => n !== member);
    return others.length > 0 && others.every((o) => this.#cut.has(`${o}|${member}`));
  }

  #refresh(): void {
    for (const p of this.#proxies.values()) p.refresh();
  }
}

/** The sender id in a raft HTTP request head, e.g. `X-Server-From: 8e9e05c52164694d`. */
function senderOf(head: string): string | undefined {
  return /\r\nX-Server-From:\s*([0-9a-fA-F]+)/i.exec(head)?.[1]?.toLowerCase();
}
