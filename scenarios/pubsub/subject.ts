import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";

/** A message as a subscriber delivers it: its id (from the value), key and revision. */
export interface Message {
  /** The message's id, as the publisher gave it. */
  id: string;
  /** The key it was published under. */
  key: string;
  /** The revision of its put. */
  revision: number;
}

/** Where a run's keys live: messages below `messages`, subscriber state below `state`. */
export interface PubSubKeys {
  /** The prefix messages are published below. */
  messages: string;
  /** The prefix subscribers keep their state (checkpoints) below. */
  state: string;
}

/** The publishing side of a subject. */
export interface Publisher {
  /** The key the message with this id is published under (below `keys.messages`). */
  keyFor(id: string): string;
  /**
   * Puts the message; `ok` value `{ id, key }`, revision the put's; `fail`
   * when it surely was not published; throw when unknown (a message of
   * unknown outcome must reach all subscribers or none).
   */
  publish(id: string, key: string): Promise<Outcome>;
}

/**
 * The subscribing side of a subject. It records its own `deliver` (value
 * `{ messages }`) and `gap` operations through the context; the role drives it.
 */
export interface Subscriber {
  /**
   * Starts or resumes the subscription (after a restart, from its
   * checkpoint); `ok` value `{ from }`: it delivers what comes after that
   * revision. `fail` or a throw and the role tries again 200 ms later.
   */
  subscribe(): Promise<Outcome>;
  /**
   * Waits briefly (or until `signal` aborts) for messages and delivers them,
   * recording `deliver` operations (value `{ messages }`, in revision order)
   * and `gap` ones (a compaction cut its history). Throws on errors; the role
   * pumps again 200 ms later.
   */
  pump(signal: AbortSignal): Promise<void>;
  /** The revision through which the message stream has been processed (the final drain waits for it). */
  position(): number;
  /** Stops the subscription (the node is stopping). */
  close(): void;
}

/** An implementation under test: both sides. */
export interface PubSubSubject {
  /** A publisher node's side; messages live below `keys.messages`. */
  publisher(ctx: NodeContext, client: Etcd3, keys: PubSubKeys): Publisher;
  /** A subscriber node's side; it may keep its checkpoint below `keys.state`. */
  subscriber(ctx: NodeContext, client: Etcd3, keys: PubSubKeys): Subscriber;
}

/** The message id a value carries (values are `{"id": ...}`). */
export function messageId(value: Buffer | string): string {
  const text = value.toString();
  try {
    return String(JSON.parse(text).id);
  } catch {
    return text;
  }
}

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link PubSubSubject}. */
export const PUBSUB_SHAPE: SubjectShape = {
  parts: {
    publisher: { factory: ["keyFor", "publish"] },
    subscriber: { factory: ["subscribe", "pump", "position", "close"] },
  },
};
