import type { Etcd3, IKeyValue } from "etcd3";
import type { NodeContext } from "../../lib/node/context.ts";
import { fail, ok } from "../../lib/node/context.ts";
import { GuardedKey } from "../../lib/recipes/guarded_key.ts";
import { RevisionWatch, WatchCompactedError } from "../../lib/recipes/revision_watch.ts";
import { messageId } from "./subject.ts";
import type { Message, PubSubKeys, PubSubSubject, Subscriber } from "./subject.ts";

/** How long one pump waits for events before it returns (the role then checks its signal). */
const WAIT_MS = 500;

/**
 * The correct pub/sub: every message under its own key (its id), so nothing
 * is overwritten; subscribers deliver every put in revision order and
 * checkpoint the last delivered revision in etcd, guarded so that a stale
 * incarnation cannot move it back; a restarted subscriber resumes after its
 * checkpoint. When the history it needs was compacted, it says so with a
 * `gap` operation and recovers what the keyspace still holds.
 */
export const reference: PubSubSubject = {
  publisher: (_ctx, client, keys) => ({
    keyFor: (id) => `${keys.messages}${id}`,
    async publish(id, key) {
      const res = await client.put(key).value(JSON.stringify({ id })).exec();
      return ok({ id, key }, res.header.revision);
    },
  }),
  subscriber: (ctx, client, keys) => new CheckpointedSubscriber(ctx, client, keys),
};

class CheckpointedSubscriber implements Subscriber {
  #ctx: NodeContext;
  #client: Etcd3;
  #keys: PubSubKeys;
  #checkpoint: GuardedKey;
  /** The checkpointed revision: everything up to it is delivered. */
  #through = 0;
  #watch?: RevisionWatch;
  /** After a delivery of unknown or failed outcome the checkpoint must be read again. */
  #stale = true;

  constructor(ctx: NodeContext, client: Etcd3, keys: PubSubKeys) {
    this.#ctx = ctx;
    this.#client = client;
    this.#keys = keys;
    this.#checkpoint = new GuardedKey(client, `${keys.state}checkpoint/${ctx.node}`);
  }

  async subscribe() {
    const seen = await this.#checkpoint.read();
    if (seen.value === null) {
      // First subscription: start after the revision of this read.
      const { applied } = await this.#checkpoint.write(String(seen.revision));
      // Not applied: an earlier attempt of unknown outcome created it; use that.
      if (!applied) await this.#checkpoint.read();
    }
    this.#through = Number(this.#checkpoint.seen.value);
    this.#stale = false;
    return ok({ from: this.#through }, this.#through);
  }

  position() {
    return this.#through;
  }

  async pump(signal: AbortSignal) {
    if (this.#stale) {
      this.#closeWatch();
      const seen = await this.#checkpoint.read();
      this.#through = Number(seen.value ?? 0);
      this.#stale = false;
    }
    this.#watch ??= await RevisionWatch.open(this.#client, {
      key: this.#keys.messages,
      prefix: true,
      startRevision: this.#through + 1,
      record: this.#ctx.watchRecorder(),
    });
    let events;
    try {
      events = await this.#watch.next(WAIT_MS, signal);
    } catch (e) {
      this.#closeWatch();
      if (e instanceof WatchCompactedError) return await this.#recover(e.compactRevision);
      throw e;
    }
    // A resumed watch may replay what the checkpoint already covers.
    const fresh = events.filter((e) => Number(e.kv.mod_revision) > this.#through);
    if (fresh.length === 0) return;
    const messages = fresh.filter((e) => e.type === "Put").map((e) => toMessage(e.kv));
    await this.#deliver(messages, Number(fresh[fresh.length - 1].kv.mod_revision));
  }

  /** The events after our checkpoint are gone: say so, then deliver what the keyspace still holds. */
  async #recover(compactRevision: number) {
    const res = await this.#client.getAll().prefix(this.#keys.messages)
      .minModRevision(String(this.#through + 1)).sort("Mod", "Ascend").exec();
    const snapshot = Number(res.header.revision);
    const messages = res.kvs.map(toMessage);
    const after = this.#through;
    await this.#ctx.op("gap", undefined, () =>
      Promise.resolve(ok({
        after,
        compactRevision,
        snapshot,
        recovered: messages.length,
        note:
          "events after the checkpoint were compacted; messages overwritten or deleted in that span cannot be recovered",
      })));
    await this.#deliver(messages, snapshot);
  }

  /** Delivers and checkpoints in one step: the delivery counts exactly when the checkpoint moved. */
  async #deliver(messages: Message[], through: number) {
    const out = await this.#ctx.op("deliver", { messages }, async () => {
      const w = await this.#checkpoint.write(String(through));
      return w.applied
        ? ok({ messages, through }, w.revision)
        : fail("checkpoint moved since it was read: not delivered", { messages }, w.revision);
    });
    if (out?.type === "ok") this.#through = through;
    else this.#stale = true;
  }

  #closeWatch() {
    this.#watch?.close();
    this.#watch = undefined;
  }

  close() {
    this.#closeWatch();
  }
}

function toMessage(kv: IKeyValue): Message {
  return { id: messageId(kv.value), key: kv.key.toString(), revision: Number(kv.mod_revision) };
}
