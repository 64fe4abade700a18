/**
 * Accepted connections that can be reset with a TCP RST, as a middlebox or a
 * crashing peer does. `Deno.Conn` can only close (a FIN: the peer reads an
 * orderly end of stream); Node's `socket.resetAndDestroy()`, which Deno's
 * node:net offers, closes with SO_LINGER 0, so the kernel sends an RST and
 * the peer's next read fails with ECONNRESET. The listener here hands out
 * such sockets behind the small read/write/close surface the proxy pumps.
 */
import net from "node:net";
import { freePort, releasePort } from "./free_port.ts";

/** The part of a connection the proxy needs: Deno.Conn has it, so does {@link ResettableConn}. */
export interface ByteConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  /** Turns Nagle's algorithm off (TCP_NODELAY) or on, where the connection offers it. */
  setNoDelay?(noDelay?: boolean): void;
}

/** Bytes buffered from the socket before it is paused (back-pressure to the sender). */
const HIGH_WATER = 1 << 20;

/** An accepted node:net socket read and written like a Deno.Conn, plus {@link reset}. */
export class ResettableConn implements ByteConn {
  #socket: net.Socket;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #ended = false;
  #wake = Promise.withResolvers<void>();

  constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Uint8Array) => {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#buffered > HIGH_WATER) socket.pause();
      this.#notify();
    });
    const end = () => {
      this.#ended = true;
      this.#notify();
    };
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", end); // the peer went away: reads end, writes fail
  }

  /** Reads what arrived (waiting for it); null at end of stream. */
  async read(p: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0) {
      if (this.#ended) return null;
      await this.#wake.promise;
    }
    let n = 0;
    while (this.#chunks.length > 0 && n < p.length) {
      const chunk = this.#chunks[0];
      const take = Math.min(chunk.length, p.length - n);
      p.set(chunk.subarray(0, take), n);
      n += take;
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    this.#buffered -= n;
    if (this.#buffered <= HIGH_WATER && this.#socket.isPaused()) this.#socket.resume();
    return n;
  }

  /**
   * Writes all of `p`; resolves once the socket took it, at once while its
   * buffer has room (waiting for each write's flush callback cost every
   * proxied frame an event-loop turn), else when it drains (back-pressure).
   */
  write(p: Uint8Array): Promise<number> {
    if (this.#socket.destroyed) return Promise.reject(new Error("connection closed"));
    // The socket may keep the buffer until it is sent: give it its own copy.
    if (this.#socket.write(p.slice())) return Promise.resolve(p.length);
    return new Promise((resolve, reject) => {
      const drained = () => {
        this.#socket.off("close", closed);
        resolve(p.length);
      };
      const closed = () => {
        this.#socket.off("drain", drained);
        reject(new Error("connection closed"));
      };
      this.#socket.once("drain", drained);
      this.#socket.once("close", closed);
    });
  }

  /** Sets TCP_NODELAY, as Deno.Conn.setNoDelay does. */
  setNoDelay(noDelay = true): void {
    this.#socket.setNoDelay(noDelay);
  }

  /** Closes in order (FIN), as Deno.Conn.close does. */
  close(): void {
    this.#socket.destroy();
    this.#ended = true;
    this.#notify();
  }

  /** Closes with SO_LINGER 0: the kernel sends an RST and drops what is unsent. */
  reset(): void {
    if (!this.#socket.destroyed) this.#socket.resetAndDestroy();
    this.#ended = true;
    this.#notify();
  }

  #notify(): void {
    const old = this.#wake;
    this.#wake = Promise.withResolvers<void>();
    old.resolve();
  }
}

/** A listener on 127.0.0.1 whose connections are {@link ResettableConn}s. */
export class ResettableListener {
  readonly port: number;
  #server: net.Server;
  #queue: ResettableConn[] = [];
  #waiting: PromiseWithResolvers<ResettableConn | null>[] = [];
  #closed = false;
  /** Whether the port was reserved here (and is given back on close). */
  #ownPort: boolean;

  /**
   * Listens on `port`, or on a free port chosen now when 0: node:net binds a
   * moment later, but the proxy must name its port at once (nodes are given it).
   * The port comes from below the ephemeral range, where no outgoing
   * connection can take it in that moment (free_port.ts).
   */
  constructor(port = 0) {
    this.#ownPort = port === 0;
    this.port = port || freePort();
    this.#server = net.createServer({ allowHalfOpen: false }, (socket) => {
      const conn = new ResettableConn(socket);
      const waiter = this.#waiting.shift();
      if (waiter) waiter.resolve(conn);
      else this.#queue.push(conn);
    });
    this.#server.on("error", (e) => {
      console.error(`proxy listener on 127.0.0.1:${this.port} failed: ${e}`);
      this.close();
    });
    this.#server.listen(this.port, "127.0.0.1");
  }

  /** The next connection; rejects once the listener is closed. */
  async accept(): Promise<ResettableConn> {
    const queued = this.#queue.shift();
    if (queued) return queued;
    if (this.#closed) throw new Error("listener closed");
    const waiter = Promise.withResolvers<ResettableConn | null>();
    this.#waiting.push(waiter);
    const conn = await waiter.promise;
    if (!conn) throw new Error("listener closed");
    return conn;
  }

  /** Stops listening (open connections stay). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.close(() => {
      if (this.#ownPort) releasePort(this.port);
    });
    for (const w of this.#waiting.splice(0)) w.resolve(null);
    for (const c of this.#queue.splice(0)) c.close();
  }
}

/** A port on 127.0.0.1 free right now (the kernel's pick for port 0). */
