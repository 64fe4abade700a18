import { ExecChannel } from "../../lib/subjects/exec_channel.ts";
import { fail, ok } from "../../lib/node/context.ts";
import type { Message, PubSubSubject, Subscriber } from "./subject.ts";

/** How long one `poll` may wait for messages, ms (the role then checks whether it should stop). */
const WAIT_MS = 500;

/**
 * The pub/sub subject of a program (`--subject 'exec:CMD ARGS'`), over the
 * exec line protocol (docs/exec-protocol.md#pubsub). A publisher's program
 * answers `publish`; a subscriber's answers `subscribe` (start or resume from
 * its checkpoint), `poll` (what came after its position, not yet delivered)
 * and `deliver` (checkpoint through a revision: the messages count as
 * delivered exactly when it answers ok).
 */
export const execPubSub: PubSubSubject = {
  publisher(ctx, _client, keys) {
    const channel = new ExecChannel(ctx, { scenario: "pubsub" });
    const callMs = 2 * ctx.callTimeoutMs;
    return {
      keyFor: (id) => `${keys.messages}${id}`,
      async publish(id, key) {
        const out = await channel.call(
          "publish",
          { id, key, value: JSON.stringify({ id }) },
          callMs,
        );
        return { ...out, value: out.value ?? { id, key } };
      },
    };
  },
  subscriber(ctx, _client, keys) {
    const channel = new ExecChannel(ctx, { scenario: "pubsub" });
    const callMs = 2 * ctx.callTimeoutMs;
    let through = 0;
    // Every subscriber call names where things are: a restarted program may get poll first.
    const where = { prefix: keys.messages, state: `${keys.state}${ctx.node}/` };
    /** After a delivery of unknown or failed outcome the checkpoint must be read again. */
    let stale = false;
    const subscriber: Subscriber = {
      async subscribe() {
        const out = await channel.call("subscribe", where, callMs);
        if (out.type !== "ok") return out;
        const from = Number((out.value as { from?: unknown } | undefined)?.from);
        if (!Number.isFinite(from)) {
          return fail("subscribe: the answer needs value.from (a revision)");
        }
        through = from;
        stale = false;
        return ok({ from }, from);
      },
      async pump(signal) {
        if (stale && (await subscriber.subscribe()).type !== "ok") {
          throw new Error("subscribe: the checkpoint could not be read again");
        }
        // Not abandoned when `signal` aborts: it is short, and the drain's poll must not overlap it.
        if (signal.aborted) return;
        const out = await channel.call(
          "poll",
          { ...where, after: through, waitMs: WAIT_MS },
          WAIT_MS + callMs,
        );
        if (out.type !== "ok") throw new Error(`poll: ${out.error ?? "failed"}`);
        const v = (out.value ?? {}) as { messages?: unknown; through?: unknown; gap?: unknown };
        const upTo = Number(v.through);
        const messages = Array.isArray(v.messages) ? v.messages.map(messageOf) : [];
        if (!Number.isFinite(upTo)) throw new Error("poll: the answer needs value.through");
        if (v.gap && typeof v.gap === "object") {
          const gap = { after: through, ...(v.gap as Record<string, unknown>) };
          await ctx.op("gap", undefined, () => Promise.resolve(ok(gap)));
        }
        if (upTo <= through) return;
        const delivered = await ctx.op("deliver", { messages }, async () => {
          const d = await channel.call("deliver", { ...where, through: upTo }, callMs);
          return d.type === "ok"
            ? ok({ messages, through: upTo }, d.revision)
            : fail(d.error ?? "not delivered", { messages }, d.revision);
        });
        if (delivered?.type === "ok") through = upTo;
        else stale = true;
      },
      position: () => through,
      close() {
        void channel.close();
      },
    };
    return subscriber;
  },
};

/** A message of a poll answer, checked. */
function messageOf(v: unknown): Message {
  const o = v as Record<string, unknown>;
  const m = { id: String(o?.id), key: String(o?.key), revision: Number(o?.revision) };
  if (typeof o?.key !== "string" || o?.id === undefined || !Number.isFinite(m.revision)) {
    throw new Error("poll: each message needs id, key and revision");
  }
  return m;
}
