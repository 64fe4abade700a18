import { ExecChannel } from "../../lib/subjects/exec_channel.ts";
import type { Item, QueueSubjectFactory } from "./subject.ts";

/**
 * The queue subject of a program (`--subject 'exec:CMD ARGS'`), over the
 * exec line protocol (docs/exec-protocol.md#queue): producers `enqueue`;
 * consumers read the `head`, `claim` it, and `wait` while the queue is empty.
 */
export const execQueue: QueueSubjectFactory = (ctx, _client, itemsPrefix) => {
  const channel = new ExecChannel(ctx, { scenario: "queue" });
  const callMs = 2 * ctx.callTimeoutMs;
  return {
    keyFor: (id) => `${itemsPrefix}${id}`,
    enqueue: (id, key) =>
      channel.call(
        "enqueue",
        { prefix: itemsPrefix, id, key, value: JSON.stringify({ id }) },
        callMs,
      ),
    async head() {
      const out = await channel.call("head", { prefix: itemsPrefix }, callMs);
      if (out.type !== "ok") throw new Error(`head: ${out.error ?? "failed"}`);
      const item = (out.value as { item?: unknown } | undefined)?.item ?? null;
      if (out.revision === undefined || !Number.isFinite(out.revision)) {
        throw new Error("head: the answer needs the read's revision");
      }
      return { item: item === null ? null : itemOf(item), revision: out.revision };
    },
    claim: (item) => channel.call("claim", { item }, callMs),
    async waitForItems(revision, signal) {
      // Bounded: the consumer looks at the head again after it, whatever the answer.
      const waitMs = 1000;
      // Short, so awaited even when `signal` aborts: calls to the program never overlap.
      if (signal.aborted) return;
      await channel.call("wait", { prefix: itemsPrefix, revision, waitMs }, waitMs + callMs);
    },
  };
};

/** The item of a head answer, checked: a consumer claims only what it can name. */
function itemOf(v: unknown): Item {
  const o = v as Record<string, unknown>;
  const item = {
    id: String(o?.id),
    key: String(o?.key),
    createRevision: Number(o?.createRevision),
    modRevision: Number(o?.modRevision),
  };
  if (
    typeof o?.key !== "string" || !Number.isFinite(item.createRevision) ||
    !Number.isFinite(item.modRevision)
  ) {
    throw new Error("head: an item needs id, key, createRevision and modRevision");
  }
  return item;
}
