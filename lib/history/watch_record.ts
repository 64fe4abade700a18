/**
 * What a watch delivered, recorded for the watch-guarantees check: a recipe
 * that opens a watch asks its {@link WatchRecorder} for a handle and hands it
 * every response the watch received. The node turns them into `watch` events
 * of the history (lib/history/event.ts).
 */
import type { WatchedChange, WatchEvent } from "./event.ts";

/** The longest value kept in the history; longer ones are left out (the check does not need them). */
export const SHORT_VALUE = 64;

/** One response as a recipe reports it (etcd3's `IWatchResponse` fits). */
export interface WatchResponseLike {
  /** The response header; its revision is the store's when the response was sent. */
  header: { revision: string | number };
  /** The events the response carries (none: a progress notification, or a create/cancel answer). */
  events?: readonly WatchEventLike[];
  /** The answer to the create request (not recorded). */
  created?: boolean;
  /** The answer to a cancel, or etcd's cancel of the watch (not recorded). */
  canceled?: boolean;
}

/** One event of a response as etcd3 hands it over. */
export interface WatchEventLike {
  /** `Put` or `Delete` (any case). */
  type: string;
  /** The key-value after the change (for a delete: the key and the revision). */
  kv: KvLike;
  /** The key-value before the change, when the watch asked for it. */
  prev_kv?: KvLike | null;
}

/** A key-value as etcd3 hands it over. */
export interface KvLike {
  /** The key's bytes. */
  key: { toString(): string };
  /** The value's bytes. */
  value?: { toString(): string; length: number } | null;
  /** The revision that created the key. */
  create_revision: string | number;
  /** The revision of the change. */
  mod_revision: string | number;
  /** How many puts since the key was created (0 after a delete). */
  version: string | number;
}

/** What a watch records: the watched range and the start it asked for. */
export interface WatchRange {
  /** The watched key, or the prefix when `prefix` is set. */
  key: string;
  /** Whether every key below `key` is watched. */
  prefix?: boolean;
  /** The start revision asked for (0 or absent: from now). */
  start?: number;
}

/** A watch's recording: called with every response it received. */
export type WatchLog = (res: WatchResponseLike) => void;

/** Hands out one {@link WatchLog} per watch opened; the node numbers them. */
export interface WatchRecorder {
  /** Called once per watch opened (one stream request). */
  open(range: WatchRange): WatchLog;
}

/**
 * The history event's body for one response, or undefined for a response
 * that carries neither events nor progress (the creation and cancel answers).
 */
export function watchBody(
  range: WatchRange,
  res: WatchResponseLike,
): Omit<WatchEvent, "kind" | "node" | "incarnation" | "time" | "watch"> | undefined {
  const events = (res.events ?? []).map(change);
  if (events.length === 0 && (res.created || res.canceled)) return undefined;
  return {
    key: range.key,
    ...(range.prefix ? { prefix: true } : {}),
    start: range.start ?? 0,
    header: Number(res.header.revision),
    events,
    ...(events.length === 0 ? { progress: true as const } : {}),
  };
}

function change(ev: WatchEventLike): WatchedChange {
  const type = String(ev.type).toLowerCase() === "delete" ? "delete" : "put";
  const out: WatchedChange = {
    type,
    key: ev.kv.key.toString(),
    modRevision: Number(ev.kv.mod_revision),
    createRevision: Number(ev.kv.create_revision),
    version: Number(ev.kv.version),
  };
  const value = short(ev.kv.value);
  if (type === "put" && value !== undefined) out.value = value;
  if (ev.prev_kv) {
    const p = ev.prev_kv;
    out.prevKv = {
      modRevision: Number(p.mod_revision),
      createRevision: Number(p.create_revision),
      version: Number(p.version),
    };
    const pv = short(p.value);
    if (pv !== undefined) out.prevKv.value = pv;
  }
  return out;
}

function short(v: KvLike["value"]): string | undefined {
  if (!v || v.length > SHORT_VALUE) return undefined;
  return v.toString();
}
