/**
 * The peer proxy names a connection's sender from its HTTP headers. etcd's
 * peer transport keeps connections alive: one opened by an anonymous probe
 * is reused for raft messages that do name their sender, and those must be
 * held when that sender's link is cut (else cut members reach each other).
 */
import assert from "node:assert/strict";
import { OPEN_LINK, TcpProxy } from "../../lib/net/tcp_proxy.ts";
import type { LinkPolicy } from "../../lib/net/tcp_proxy.ts";

const enc = new TextEncoder();

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("tcp proxy: a kept-alive connection is held once a request on it names a cut sender", async () => {
  const upstream = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let received = "";
  let server: Deno.Conn | undefined;
  const serving = (async () => {
    server = await upstream.accept();
    const buf = new Uint8Array(4096);
    const dec = new TextDecoder();
    while (true) {
      const n = await server.read(buf).catch(() => null);
      if (n === null) return;
      received += dec.decode(buf.subarray(0, n));
    }
  })();

  let cut = true;
  const asked: (string | undefined)[] = [];
  const proxy = new TcpProxy({
    target: { hostname: "127.0.0.1", port: (upstream.addr as Deno.NetAddr).port },
    identify: (head) => /\r\nX-Server-From:\s*(\w+)/i.exec(head)?.[1],
    policy: (peer): LinkPolicy => {
      asked.push(peer);
      return cut && peer === "m3" ? { blocked: true, delayMs: 0, jitterMs: 0 } : OPEN_LINK;
    },
  });
  const port = proxy.start();
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    // An anonymous probe opens the connection and passes.
    await client.write(enc.encode("GET /raft/probing HTTP/1.1\r\nHost: p\r\n\r\n"));
    await until("the probe reaching upstream", () => received.includes("GET /raft/probing"));

    // The same connection then carries a raft message from a cut sender: held.
    await client.write(
      enc.encode(
        "POST /raft HTTP/1.1\r\nHost: p\r\nX-Server-From: m3\r\nContent-Length: 2\r\n\r\nhi",
      ),
    );
    // Asked about m3 when queued and again before writing: it is waiting, not written.
    await until("the policy consulted for m3", () => asked.filter((p) => p === "m3").length >= 2);
    assert.ok(!received.includes("POST /raft"), "a cut sender's request got through");

    // Healed, the held bytes flow.
    cut = false;
    proxy.refresh();
    await until("the held request after the heal", () => received.includes("POST /raft"));
    assert.ok(received.endsWith("\r\n\r\nhi"));
  } finally {
    client.close();
    proxy.close();
    server?.close();
    upstream.close();
    await serving;
  }
});
