import type { Etcd3 } from "etcd3";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/subjects/shape.ts";

/** A message as a subscriber delivers it: its id (from the value), key and revision. */
export interface Message {
  id: string;
  key: string;
  revision: number;
}

/** Where a run's keys live: messages below `messages`, subscriber state below `state`. */
export interface PubSubKeys {
  messages: string;
  state: string;
}

/** The publishing side of a subject. */
export interface Publisher {
  /** The key the message with this id is published under. */
  keyFor(id: string): string;
  /** Puts the message; ok value `{ id, key }`, revision the put's. */
  publish(id: string, key: string): Promise<Outcome>;
}

/**
 * The subscribing side of a subject. It records its own `deliver` (value
 * `{ messages }`) and `gap` operations through the context; the role drives it.
 */
export interface Subscriber {
  /** Starts or resumes the subscription; ok value `{ from }`: it delivers what comes after. */
  subscribe(): Promise<Outcome>;
  /** Waits briefly (or until `signal` aborts) for messages and delivers them. Throws on errors. */
  pump(signal: AbortSignal): Promise<void>;
  /** The revision through which the message stream has been processed. */
  position(): number;
  close(): void;
}

/** An implementation under test: both sides. */
export interface PubSubSubject {
  publisher(ctx: NodeContext, client: Etcd3, keys: PubSubKeys): Publisher;
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
