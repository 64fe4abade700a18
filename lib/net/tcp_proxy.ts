/**
 * A TCP proxy on loopback whose links can be cut or slowed while connections
 * stay open, as on a real network: a cut link holds its bytes (TCP
 * back-pressure then stalls the sender) and a heal lets them flow again.
 */

/** What a link does to the bytes crossing it right now. */
export interface LinkPolicy {
  /** Hold every byte until the link heals. */
  blocked: boolean;
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
}

const MAX_QUEUED_BYTES = 1 << 20;
const MAX_HEAD_BYTES = 16 << 10;
const SNIFF_TAIL_CHARS = 256;

/** A connection through the proxy, with the peer it was identified as. */
interface Link {
  peer: string | undefined;
  client: Deno.TcpConn;
  upstream: Deno.TcpConn | undefined;
  closed: boolean;
}

/** The proxy; see the module comment. */
export class TcpProxy {
  #opts: TcpProxyOptions;
  #listener: Deno.TcpListener | undefined;
  #links = new Set<Link>();
  #wake = Promise.withResolvers<void>();
  #closed = false;

  constructor(opts: TcpProxyOptions) {
    this.#opts = opts;
  }

  /** Starts listening on 127.0.0.1; resolves with the port. */
  start(): number {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.#opts.listenPort ?? 0 });
    this.#acceptLoop(this.#listener);
    return this.port;
  }

  get port(): number {
    return (this.#listener!.addr as Deno.NetAddr).port;
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
    this.dropConnections();
    this.refresh();
  }

  async #acceptLoop(listener: Deno.TcpListener): Promise<void> {
    while (!this.#closed) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch {
        return; // listener closed
      }
      this.#serve(conn).catch(() => {});
    }
  }

  async #serve(client: Deno.TcpConn): Promise<void> {
    const link: Link = { peer: undefined, client, upstream: undefined, closed: false };
    this.#links.add(link);
    try {
      // Both legs send each chunk at once: Nagle's algorithm would hold gRPC's and raft's
      // small frames back for an ACK (milliseconds a request, worst on a loaded machine).
      client.setNoDelay(true);
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
      link.upstream = await Deno.connect(this.#opts.target);
      link.upstream.setNoDelay(true);
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

  async #readHead(conn: Deno.Conn): Promise<Uint8Array> {
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
    while (!link.closed && !this.#closed && this.#opts.policy(link.peer).blocked) {
      await this.#wake.promise;
    }
  }

  /** Copies src to dst through the link's policy: held while blocked, delayed in order. */
  async #pump(
    link: Link,
    src: Deno.Conn,
    dst: Deno.Conn,
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

    const reader = (async () => {
      const buf = new Uint8Array(64 << 10);
      try {
        while (!link.closed) {
          while (queued > MAX_QUEUED_BYTES && !link.closed) await this.#sleepOrWake(50);
          const n = await src.read(buf);
          if (n === null) break;
          const chunk = buf.slice(0, n);
          sniff(chunk);
          push(chunk);
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
        const wait = item.due - Date.now();
        if (wait > 0) await this.#sleepOrWake(wait);
        if (this.#opts.policy(link.peer).blocked) continue;
        if (item.due > Date.now()) continue;
        queue.shift();
        queued -= item.chunk.length;
        await writeAll(dst, item.chunk);
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

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
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
