import type { Etcd3, IKeyValue, Watcher } from "etcd3";
import type { NodeContext } from "../../lib/node/context.ts";
import { ok } from "../../lib/node/context.ts";
import { messageId } from "./subject.ts";
import type { Message, PubSubKeys, PubSubSubject, Subscriber } from "./subject.ts";

/** How long one pump waits for events before it returns (the role then checks its signal). */
const WAIT_MS = 500;

/**
 * A client as etcd3's users ship it: the library's own fault handling (its
 * global retry of recoverable errors and its per-host circuit breaker). The
 * harness's deadline on unary calls stays so a run stays bounded; streams
 * (the watch) get none, as in etcd3's defaults.
 */
const shippedClient = (ctx: NodeContext): Etcd3 => ctx.client({ faultHandling: {} });

/**
 * Pub/sub as etcd3's README teaches it. A publisher puts each message under
 * its own key with `client.put(key).value(v)`. A subscriber follows the
 * prefix with `client.watch().prefix(p).startRevision(r).create()` and
 * delivers each `put` event as it comes, relying on the watcher's automatic
 * reconnect and resume for everything within one process; across its own
 * restarts it resumes after the last revision it delivered, which it keeps
 * with a plain `client.put()` of a checkpoint key (etcd3 offers nothing
 * for that). A watcher that emits `error` (e.g. its revision was compacted)
 * is opened again from the checkpoint; nothing more.
 */
export const etcd3PubSub: PubSubSubject = {
  publisher: (ctx, _harnessClient, keys) => {
    const client = shippedClient(ctx);
    return {
      keyFor: (id) => `${keys.messages}${id}`,
      async publish(id, key) {
        const res = await client.put(key).value(JSON.stringify({ id })).exec();
        return ok({ id, key }, res.header.revision);
      },
    };
  },
  subscriber: (ctx, _harnessClient, keys) => new Etcd3Subscriber(ctx, shippedClient(ctx), keys),
};

class Etcd3Subscriber implements Subscriber {
  #ctx: NodeContext;
  #client: Etcd3;
  #keys: PubSubKeys;
  #checkpointKey: string;
  #watcher?: Watcher;
  #error?: Error;
  #pending: Message[] = [];
  #wake?: () => void;
  /** The revision of the last message delivered (or where the subscription started). */
  #position = 0;

  constructor(ctx: NodeContext, client: Etcd3, keys: PubSubKeys) {
    this.#ctx = ctx;
    this.#client = client;
    this.#keys = keys;
    this.#checkpointKey = `${keys.state}checkpoint/${ctx.node}`;
  }

  async subscribe() {
    const res = await this.#client.get(this.#checkpointKey).exec();
    const saved = res.kvs[0]?.value.toString();
    if (saved === undefined) {
      // First subscription: everything after this read.
      await this.#client.put(this.#checkpointKey).value(String(res.header.revision)).exec();
    }
    const from = Number(saved ?? res.header.revision);
    this.#position = from;
    await this.#open(from);
    return ok({ from }, from);
  }

  async #open(from: number) {
    const watcher = await this.#client.watch().prefix(this.#keys.messages)
      .startRevision(String(from + 1)).create();
    this.#error = undefined;
    // Instrumentation, not part of the recipe: what the watch delivers, for watch-guarantees.
    watcher.on(
      "data",
      this.#ctx.watchRecorder().open({ key: this.#keys.messages, prefix: true, start: from + 1 }),
    );
    // Instrumentation, not part of the recipe: where etcd3 resumes after each (re)connect, in the node log.
    let seen = from;
    watcher.on("connected", (res: { header: { revision: string } }) =>
      console.error(
        `watch connected: create response at header revision ${res.header.revision}, etcd3 resumes from ${watcher.lastRevision()}; last put received at ${seen}`,
      ));
    watcher.on(
      "disconnected",
      (e: Error) =>
        console.error(`watch disconnected (${e.message}); last put received at ${seen}`),
    );
    watcher.on("put", (kv: IKeyValue) => {
      seen = Number(kv.mod_revision);
      this.#pending.push({
        id: messageId(kv.value),
        key: kv.key.toString(),
        revision: Number(kv.mod_revision),
      });
      this.#wake?.();
    });
    watcher.on("error", (e: Error) => {
      this.#error = e;
      this.#wake?.();
    });
    this.#watcher = watcher;
  }

  position() {
    return this.#position;
  }

  async pump(signal: AbortSignal) {
    if (!this.#watcher) {
      const saved = await this.#client.get(this.#checkpointKey).string();
      await this.#open(Number(saved ?? this.#position));
    }
    if (this.#pending.length === 0 && !this.#error) await this.#wait(signal);
    if (this.#pending.length > 0) {
      const messages = this.#pending;
      this.#pending = [];
      const through = messages[messages.length - 1].revision;
      this.#position = Math.max(this.#position, through);
      await this.#ctx.op("deliver", { messages }, async () => {
        const res = await this.#client.put(this.#checkpointKey).value(String(through)).exec();
        return ok({ messages, through }, res.header.revision);
      });
    }
    if (this.#error) {
      const e = this.#error;
      this.close();
      throw e;
    }
  }

  #wait(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, WAIT_MS);
      signal.addEventListener("abort", done, { once: true });
      const wake = () => done();
      this.#wake = wake;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
  }

  close() {
    this.#watcher?.removeAllListeners();
    this.#watcher?.on("error", () => {});
    this.#watcher?.cancel().catch(() => {});
    this.#watcher = undefined;
  }
}
