import { ExecChannel } from "../../lib/subjects/exec_channel.ts";
import { runUntilStopped } from "../../lib/subjects/exec_wait.ts";
import { ok } from "../../lib/node/context.ts";
import type { LbSubject } from "./subject.ts";

/**
 * The load-balancing subject of a program (`--subject 'exec:CMD ARGS'`),
 * over the exec line protocol (docs/exec-protocol.md#load-balancing): a
 * server node's program keeps the Greeter's address registered (`register`,
 * `next`, `close`, as a discovery service does); a client node's program is
 * its resolver: `resolve` answers only when stdin closes and meanwhile writes
 * an `addresses` event with the whole list after each change. The Greeter
 * servers and clients stay the harness's.
 */
export const execLb: LbSubject = {
  async serve(ctx, registry, addr) {
    const channel = new ExecChannel(ctx, { scenario: "load-balancing" });
    const callMs = 2 * ctx.callTimeoutMs + 1000;
    const key = `${registry}${addr}`;
    while (!ctx.signal.aborted) {
      const out = await ctx.op("register", { addr, key }, async () => {
        const r = await channel.call("register", { key, value: addr }, callMs);
        const lease = (r.value as { lease?: unknown } | undefined)?.lease ?? channel.lease();
        return { ...r, value: { addr, key, lease } };
      });
      if (out?.type !== "ok") {
        ctx.report({ primary: true });
        await ctx.sleep(200); // etcd unreachable right now: try again shortly
        continue;
      }
      ctx.report({ primary: true, lease: channel.lease() });
      const reason = await next(channel, ctx.signal);
      if (ctx.signal.aborted) break;
      if (reason !== "refresh tick") {
        await ctx.op("lost", { addr, key }, () => Promise.resolve(ok({ addr, key, reason })));
      }
    }
    try {
      await channel.call("close", {}, callMs);
    } catch (e) {
      console.error(`exec: close: ${e instanceof Error ? e.message : e}`);
    } finally {
      await channel.close();
    }
  },

  feed(ctx, registry) {
    let stop: AbortController | undefined;
    return {
      start(deliver) {
        stop?.abort();
        const run = new AbortController();
        stop = run;
        // A feed may be started again after it was closed: one program per start.
        const channel = new ExecChannel(ctx, { scenario: "load-balancing" });
        channel.on("addresses", (e) => {
          const revision = Number(e.revision);
          if (
            !Array.isArray(e.addrs) || !e.addrs.every((a) => typeof a === "string") ||
            !Number.isFinite(revision)
          ) {
            console.error(`exec: an addresses event needs addrs (strings) and a revision; ignored`);
            return;
          }
          const addrs = [...(e.addrs as string[])].sort();
          // Never synchronously from start: this runs on a line the program wrote later.
          deliver({ addrs, revision });
        });
        void runUntilStopped(ctx, channel, {
          name: "resolve",
          args: { prefix: registry },
          signal: AbortSignal.any([run.signal, ctx.signal]),
        });
      },
      close() {
        stop?.abort();
      },
    };
  },
};

/** Waits for the program's `next`: why the server should register again, or "stopped". */
async function next(channel: ExecChannel, signal: AbortSignal): Promise<string> {
  const stopped = new Promise<string>((r) =>
    signal.addEventListener("abort", () => r("stopped"), { once: true })
  );
  const answered = channel.call("next", {}, Infinity).then(
    (out) => {
      const why = (out.value as { why?: unknown } | undefined)?.why;
      return typeof why === "string" ? why : out.type === "ok" ? "lost" : `lost: ${out.error}`;
    },
    // The program is gone (or cannot tell): its keep-alive went with it.
    (e) => `lost: ${e instanceof Error ? e.message : e}`,
  );
  return await Promise.race([answered, stopped]);
}
