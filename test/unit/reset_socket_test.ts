/**
 * A node's client leg (ResettableConn) resolves a write once the socket has
 * taken it. Back-pressure must still hold: with the peer not reading, writes
 * stop resolving; when it reads again they resolve; when it goes away a
 * pending write is refused.
 */
import assert from "node:assert/strict";
import { ResettableListener } from "../../lib/net/reset_socket.ts";

const CHUNK = new Uint8Array(64 << 10);

/** Writes until a write stays pending for 200 ms; returns it and the bytes written before it. */
async function fillUntilPending(
  write: () => Promise<number>,
): Promise<{ pending: Promise<number>; written: number }> {
  let written = 0;
  for (let i = 0; i < 2000; i++) {
    const pending = write();
    const settled = await Promise.race([
      pending.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 200)),
    ]);
    if (!settled) return { pending, written };
    written += CHUNK.length;
  }
  throw new Error("every write resolved: nothing held back");
}

async function connected() {
  const listener = new ResettableListener();
  // node:net binds a moment after the port is named: try for up to 2 s.
  let client: Deno.TcpConn | undefined;
  for (let i = 0; !client; i++) {
    try {
      client = await Deno.connect({ hostname: "127.0.0.1", port: listener.port });
    } catch (e) {
      if (!(e instanceof Deno.errors.ConnectionRefused) || i >= 200) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const conn = await listener.accept();
  return { listener, client, conn };
}

Deno.test("reset socket: a write to a peer that does not read stays pending, and resolves when it reads", async () => {
  const { listener, client, conn } = await connected();
  try {
    const { pending, written } = await fillUntilPending(() => conn.write(CHUNK));
    assert.ok(written > 0, "the first writes resolve at once");
    // Read everything sent so far and then some: the socket drains and the write resolves.
    const buf = new Uint8Array(1 << 20);
    let read = 0;
    const reading = (async () => {
      while (read < written + CHUNK.length) {
        const n = await client.read(buf);
        if (n === null) break;
        read += n;
      }
    })();
    assert.equal(await pending, CHUNK.length);
    await reading;
    assert.ok(read >= written + CHUNK.length);
  } finally {
    conn.close();
    client.close();
    listener.close();
  }
});

Deno.test("reset socket: a pending write is refused when the peer goes away", async () => {
  const { listener, client, conn } = await connected();
  try {
    const { pending } = await fillUntilPending(() => conn.write(CHUNK));
    client.close();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("still pending 5 s after the peer left")), 5000);
    });
    await assert.rejects(Promise.race([pending, hung]), /connection closed/);
    clearTimeout(timer);
    await assert.rejects(conn.write(CHUNK), /connection closed/);
  } finally {
    conn.close();
    listener.close();
  }
});
