/**
 * A TCP proxy on loopback whose links can be cut or slowed while connections
 * stay open, as on a real network: a cut link holds its bytes (TCP
 * back-pressure then stalls the sender) and a heal lets them flow again.
 */

import { ResettableListener } from "./reset_socket.ts";
import type { ByteConn, ResettableConn } from "./reset_socket.ts";

/** What a link does to the bytes crossing it right now. */
export interface LinkPolicy {
  /** Hold every byte until the link heals. */
  blocked: boolean;
  /** A blocked link loses its bytes instead of holding them (a blackhole). */
  drop?: boolean;
  /** Added one-way delay in ms. */
  delayMs: number;
  /** Random extra delay up to this many ms (order is kept). */
  jitterMs: number;
}

/** A link that passes everything at once. */
export const OPEN_LINK: LinkPolicy = Object.freeze({ blocked: false, delayMs: 0, jitterMs: 0 });

/** Options of a {@link TcpProxy}. */
export interface TcpProxyOptions {
  /** Where the proxy forwards to. */
  target: { hostname: string; port: number };
  /** Port to listen on (0: any free port). */
  listenPort?: number;
  /**
   * Names the peer of a connection from its first bytes (e.g. an HTTP header);
   * undefined when unknown. Without it every connection's peer is undefined.
   * A connection still unnamed is asked again with each later chunk from the
   * client: HTTP keep-alive reuses a connection opened by an anonymous request
   * (a health probe) for requests that do name their sender.
   */
  identify?: (head: string) => string | undefined;
  /** Closes a connection at once when its first bytes match (asked only with `identify`). */
  refuse?: (head: string) => boolean;
  /** The policy of the link for a connection from `peer`; asked for every chunk. */
  policy: (peer: string | undefined) => LinkPolicy;
  /**
   * Terminate TLS on both legs (PEM text): the proxy presents `cert` to its
   * clients and to the target (as a client certificate), and checks the
   * target against `caCerts`. Needed where `identify` must read what a
   * TLS client sends (raft's X-Server-From between members with --tls).
   */
  tls?: { cert: string; key: string; caCerts: string[] };
  /**
   * Accept through node:net so that {@link TcpProxy.resetConnections} can
   * send a TCP RST to the clients (Deno.Conn can only close with a FIN).
   */
  resettable?: boolean;
}

const MAX_QUEUED_BYTES = 1 << 20;
const MAX_HEAD_BYTES = 16 << 10;
const SNIFF_TAIL_CHARS = 256;

/** A connection through the proxy, with the peer it was identified as. */
interface Link {
  peer: string | undefined;
  client: ByteConn;
  upstream: Deno.Conn | undefined;
  closed: boolean;
}

/** The proxy; see the module comment. */
export class TcpProxy {
  #opts: TcpProxyOptions;
  #listener: Deno.Listener | undefined;
  #resettable: ResettableListener | undefined;
  #links = new Set<Link>();
  #wake = Promise.withResolvers<void>();
  #closed = false;

  constructor(opts: TcpProxyOptions) {
    this.#opts = opts;
  }

  /** Starts listening on 127.0.0.1; resolves with the port. */
  start(): number {
    if (this.#opts.resettable) {
      this.#resettable = new ResettableListener(this.#opts.listenPort ?? 0);
      this.#acceptLoop(this.#resettable);
      return this.port;
    }
    const at = { hostname: "127.0.0.1", port: this.#opts.listenPort ?? 0 };
    const tls = this.#opts.tls;
    this.#listener = tls
      ? Deno.listenTls({ ...at, cert: tls.cert, key: tls.key })
      : Deno.listen(at);
    this.#acceptLoop(this.#listener);
    return this.port;
  }

  get port(): number {
    return this.#resettable?.port ?? (this.#listener!.addr as Deno.NetAddr).port;
  }

  /** How many client connections are open now. */
  get connections(): number {
    return this.#links.size;
  }

  /**
   * Resets every open connection at once: the clients get a TCP RST (with
   * `resettable`; a plain close otherwise), the upstream side is closed. New
   * connections are accepted as before. Returns how many were reset.
   */
  resetConnections(): number {
    const links = [...this.#links];
    for (const link of links) {
      (link.client as Partial<ResettableConn>).reset?.();
      this.#closeLink(link);
    }
    return links.length;
  }

  /**
   * Closes the connections whose peer `match` picks, with whatever bytes
   * their links held (a blackhole loses what was in flight). Returns how
   * many were closed.
   */
  closeLinks(match: (peer: string | undefined) => boolean): number {
    const links = [...this.#links].filter((l) => match(l.peer));
    for (const link of links) this.#closeLink(link);
    return links.length;
  }

  /** Re-reads the policy now (call after changing what `policy` returns). */
  refresh(): void {
    const old = this.#wake;
    this.#wake = Promise.withResolvers<void>();
    old.resolve();
  }

  /** Closes every open connection (the listener stays). */
  dropConnections(): void {
    for (const link of this.#links) this.#closeLink(link);
  }

  /** Stops listening and closes every connection. */
  close(): void {
    this.#closed = true;
    try {
      this.#listener?.close();
    } catch { /* already closed */ }
    this.#resettable?.close();
    this.dropConnections();
    this.refresh();
  }

  async #acceptLoop(listener: { accept(): Promise<ByteConn> }): Promise<void> {
    while (!this.#closed) {
      let conn: ByteConn;
      try {
        conn = await listener.accept();
      } catch {
        return; // listener closed
      }
      this.#serve(conn).catch(() => {});
    }
  }

  async #serve(client: ByteConn): Promise<void> {
    const link: Link = { peer: undefined, client, upstream: undefined, closed: false };
    this.#links.add(link);
    try {
      // Both legs send each chunk at once: Nagle's algorithm would hold gRPC's and raft's
      // small frames back for an ACK (milliseconds a request, worst on a loaded machine).
      noDelay(client);
      let head: Uint8Array = new Uint8Array(0);
      if (this.#opts.identify) {
        head = await this.#readHead(client);
        const text = new TextDecoder().decode(head);
        if (this.#opts.refuse?.(text)) return;
        link.peer = this.#opts.identify(text);
      }
      // A cut link must not even connect: wait for the heal before dialing.
      await this.#waitOpen(link);
      if (link.closed) return;
      const tls = this.#opts.tls;
      const upstream = tls
        ? await Deno.connectTls({ ...this.#opts.target, ...tls })
        : await Deno.connect(this.#opts.target);
      noDelay(upstream);
      link.upstream = upstream;
      if (link.closed) {
        link.upstream.close();
        return;
      }
      await Promise.all([
        this.#pump(link, client, link.upstream, head, true),
        this.#pump(link, link.upstream, client, new Uint8Array(0), false),
      ]);
    } catch {
      // Either side went away; the link ends.
    } finally {
      this.#closeLink(link);
    }
  }

  async #readHead(conn: ByteConn): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const buf = new Uint8Array(MAX_HEAD_BYTES);
    while (size < MAX_HEAD_BYTES) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
      size += n;
      const text = new TextDecoder().decode(concat(chunks));
      if (text.includes("\r\n\r\n") || !/^[A-Z]+ /.test(text)) break;
    }
    return concat(chunks);
  }

  async #waitOpen(link: Link): Promise<void> {
    while (!link.closed && !this.#closed && isHeld(this.#opts.policy(link.peer))) {
      await this.#wake.promise;
    }
  }

  /** Copies src to dst through the link's policy: held while blocked, delayed in order. */
  async #pump(
    link: Link,
    src: ByteConn,
    dst: ByteConn,
    first: Uint8Array,
    fromClient: boolean,
  ): Promise<void> {
    const queue: { chunk: Uint8Array; due: number }[] = [];
    let queued = 0;
    let lastDue = 0;
    let ended = false;
    let notify = Promise.withResolvers<void>();
    const push = (chunk: Uint8Array) => {
      const p = this.#opts.policy(link.peer);
      const due = Math.max(lastDue, Date.now() + p.delayMs + Math.random() * p.jitterMs);
      lastDue = due;
      queue.push({ chunk, due });
      queued += chunk.length;
      notify.resolve();
    };
    if (first.length > 0) push(first);
    // While the connection is unnamed, look for a name in what the client sends next.
    // Keep a tail of the text seen so far: a header line may straddle two chunks.
    let tail = "";
    const sniff = (chunk: Uint8Array) => {
      if (!fromClient || link.peer !== undefined || !this.#opts.identify) return;
      const text = tail + new TextDecoder().decode(chunk);
      link.peer = this.#opts.identify(text);
      tail = text.slice(-SNIFF_TAIL_CHARS);
    };

    // An item the writer took from the queue and has not finished writing.
    let writing = false;
    const reader = (async () => {
      const buf = new Uint8Array(64 << 10);
      try {
        while (!link.closed) {
          while (queued > MAX_QUEUED_BYTES && !link.closed) await this.#sleepOrWake(50);
          const n = await src.read(buf);
          if (n === null) break;
          sniff(buf.subarray(0, n));
          // An open link with nothing in line: pass the chunk on at once, as a bare connection
          // would (the queue's hand-over to the writer cost each frame a turn of the event loop).
          if (queue.length === 0 && !writing && isOpen(this.#opts.policy(link.peer))) {
            await writeAll(dst, buf.subarray(0, n));
            continue;
          }
          push(buf.slice(0, n));
        }
      } catch { /* closed */ }
      ended = true;
      notify.resolve();
    })();

    try {
      while (!link.closed) {
        if (queue.length === 0) {
          if (ended) break;
          await notify.promise;
          notify = Promise.withResolvers<void>();
          continue;
        }
        await this.#waitOpen(link);
        const item = queue[0];
        const now = this.#opts.policy(link.peer);
        if (now.blocked && now.drop) { // a blackhole: the bytes are lost
          queue.shift();
          queued -= item.chunk.length;
          continue;
        }
        const wait = item.due - Date.now();
        if (wait > 0) await this.#sleepOrWake(wait);
        if (this.#opts.policy(link.peer).blocked) continue;
        if (item.due > Date.now()) continue;
        queue.shift();
        queued -= item.chunk.length;
        writing = true;
        try {
          await writeAll(dst, item.chunk);
        } finally {
          writing = false;
        }
      }
    } finally {
      this.#closeLink(link);
      await reader;
    }
  }

  #sleepOrWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake.promise.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #closeLink(link: Link): void {
    if (link.closed) return;
    link.closed = true;
    this.#links.delete(link);
    for (const c of [link.client, link.upstream]) {
      try {
        c?.close();
      } catch { /* already closed */ }
    }
    this.refresh();
  }
}

/** Whether a link holds its bytes right now (blocked, not dropping them). */
function isHeld(p: LinkPolicy): boolean {
  return p.blocked && !p.drop;
}

/** Whether a link passes bytes untouched right now. */
function isOpen(p: LinkPolicy): boolean {
  return !p.blocked && p.delayMs === 0 && p.jitterMs === 0;
}

/**
 * TCP_NODELAY where the connection offers it: Deno's TLS connections do not
 * (the peer proxies of a --tls cluster), and there the small frames may wait.
 */
function noDelay(conn: ByteConn): void {
  (conn as Partial<Deno.TcpConn>).setNoDelay?.(true);
}

async function writeAll(conn: ByteConn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
