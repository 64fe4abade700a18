import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";

/** An item as a consumer claims it: its id (the value), key and create revision (its place in line). */
export interface Item {
  /** The item's id (its value's `id`). */
  id: string;
  /** Its key. */
  key: string;
  /** Its key's create revision: its place in line. */
  createRevision: number;
  /** The mod revision it was read at (a guarded claim deletes only that version). */
  modRevision: number;
}

/**
 * A FIFO queue implementation under test, for one node: producers `enqueue`;
 * consumers take the `head`, `claim` it, and `waitForItems` when empty.
 * Outcomes: `ok` it happened, `fail` it surely did not; a throw is recorded
 * as unknown (`info`, the message in the node's log) and the role goes on.
 */
export interface QueueSubject {
  /** The key an item with this id is enqueued under. */
  keyFor(id: string): string;
  /**
   * Enqueues the item (value `{"id": id}`) under `key`; `ok` value
   * `{ id, key }`, revision: the item's create revision (its place in line);
   * `fail` when surely not enqueued (the key exists); throw when unknown
   * (it may then be dequeued at most once).
   */
  enqueue(id: string, key: string): Promise<Outcome>;
  /**
   * The item a consumer would claim now (the oldest), or null when the
   * queue is empty; `revision` is the read's. Throws on etcd errors (the
   * role backs off 200 ms; nothing is recorded).
   */
  head(): Promise<{ item: Item | null; revision: number }>;
  /**
   * Claims (deletes) the item read by `head`: `ok` when this consumer has it
   * (it must not be handed to another), revision the delete's; `fail` when
   * another consumer got it first (nothing claimed); throw when unknown.
   */
  claim(item: Item): Promise<Outcome>;
  /** Waits until something may have been enqueued after `revision` (bounded), or `signal` aborts. */
  waitForItems(revision: number, signal: AbortSignal): Promise<void>;
}

/** Builds a subject for one node; items live below `itemsPrefix`. */
export type QueueSubjectFactory = (
  ctx: NodeContext,
  client: Etcd3,
  itemsPrefix: string,
) => QueueSubject;

/** The item id a value carries (values are `{"id": ...}`). */
export function itemId(value: Buffer | string): string {
  const text = value.toString();
  try {
    return String(JSON.parse(text).id);
  } catch {
    return text;
  }
}

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link QueueSubjectFactory}. */
export const QUEUE_SHAPE: SubjectShape = {
  factory: ["keyFor", "enqueue", "head", "claim", "waitForItems"],
};
