import { ExecChannel } from "../../lib/subjects/exec_channel.ts";
import type { DiscoverySubject } from "./subject.ts";

/**
 * The discovery subject of a program (`--subject 'exec:CMD ARGS'`), over
 * the exec line protocol (docs/exec-protocol.md#discovery). A service
 * node's program answers `register`, `next` (when to register again) and
 * `close`; a discoverer node's program answers `run` only when its stdin
 * closes and meanwhile writes `view` events.
 */
export const execDiscovery: DiscoverySubject = {
  service(ctx, key, value) {
    const channel = new ExecChannel(ctx, { scenario: "discovery" });
    const callMs = 2 * ctx.callTimeoutMs + 1000;
    return {
      register: () => channel.call("register", { key, value }, callMs),
      async next() {
        try {
          const out = await channel.call("next", {}, Infinity);
          const why = (out.value as { why?: unknown } | undefined)?.why;
          return typeof why === "string" ? why : out.type === "ok" ? "lost" : `lost: ${out.error}`;
        } catch (e) {
          // The program is gone (or cannot tell): its keep-alive went with it.
          return `lost: ${e instanceof Error ? e.message : e}`;
        }
      },
      lease: () => channel.lease(),
      async close() {
        try {
          const out = await channel.call("close", {}, callMs);
          if (out.type === "fail") throw new Error(`close: ${out.error}`);
        } finally {
          await channel.close();
        }
      },
    };
  },
  discoverer(ctx, _client, prefix) {
    const channel = new ExecChannel(ctx, { scenario: "discovery" });
    return {
      async run(onView) {
        channel.on("view", (e) => {
          const services = e.services;
          const revision = Number(e.revision);
          if (typeof services !== "object" || services === null || !Number.isFinite(revision)) {
            console.error(`exec: a view needs services (an object) and a revision; ignored`);
            return;
          }
          onView(services as Record<string, string>, revision);
        });
        const stopped = new Promise<void>((r) =>
          ctx.signal.addEventListener("abort", () => r(), { once: true })
        );
        while (!ctx.signal.aborted) {
          const ran = channel.call("run", { prefix }, Infinity).then(
            (out) => console.error(`exec: run answered before the node stopped (${out.type})`),
            (e) => console.error(`exec: ${e instanceof Error ? e.message : e}`),
          );
          await Promise.race([ran, stopped]);
          if (!ctx.signal.aborted) await ctx.sleep(100); // the program ended: start it again
        }
        await channel.close();
      },
    };
  },
};
