/**
 * etcd's own record of the keys below a prefix: the state at one revision and
 * every change after it, read once after the run (a final read). Checkers
 * replay it to learn what truly held at any revision, instead of trusting what
 * a subject says it saw. Compaction destroys old revisions, so the record
 * starts at the oldest revision still readable, or earlier where the run kept
 * what a fault's compaction took (key_archive.ts); checkers judge only what it
 * covers.
 */
import type { Etcd3, IKeyValue } from "etcd3";

/** One key as etcd held it; `key` is relative to the logged prefix. */
export interface LoggedKv {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  lease: string;
}

/** One change: a put (with the new key-value) or a delete, at its revision. */
export interface LoggedEvent {
  revision: number;
  type: "put" | "delete";
  key: string;
  value?: string;
  createRevision?: number;
  lease?: string;
}

/** The record: exact state at every revision in [from, to]. */
export interface KeyLog {
  prefix: string;
  /** Oldest revision covered (1 when nothing was compacted). */
  from: number;
  /** Newest revision covered. */
  to: number;
  /** The keys at revision `from`. */
  initial: LoggedKv[];
  /** Every change in (from, to], in revision order. */
  events: LoggedEvent[];
}

/** Options of {@link readKeyLog}. */
export interface ReadKeyLogOptions {
  /** Deadline of the whole read, ms. */
  timeoutMs?: number;
  /**
   * Leave the end marker in place (the run's archive does), so a later read
   * while etcd refuses writes can end its record by deleting it.
   */
  leaveMarker?: boolean;
  /**
   * etcd refuses writes now (NOSPACE): end the record by deleting the marker
   * an earlier read left (deletes are still allowed) instead of writing one.
   */
  writesRefused?: boolean;
}

const SENTINEL = "~key-log-end";

/** What a client's later key logs are extended with (a {@link KeyArchive} of what compactions took). */
const extenders = new WeakMap<Etcd3, (log: KeyLog) => KeyLog>();

/** Extends every key log read through `client` from now on with `extend` (see key_archive.ts). */
export function extendLogsOf(client: Etcd3, extend: (log: KeyLog) => KeyLog): void {
  extenders.set(client, extend);
}

/**
 * Reads etcd's history of the keys below `prefix`: finds the oldest readable
 * revision (compaction may have removed older ones), reads the keys there,
 * then replays a watch up to a sentinel key it writes (or, while NOSPACE
 * refuses writes, deletes: `writesRefused`), so the record ends at a
 * revision that surely includes everything before the call.
 */
export async function readKeyLog(
  client: Etcd3,
  prefix: string,
  o: ReadKeyLogOptions = {},
): Promise<KeyLog> {
  const deadline = Date.now() + (o.timeoutMs ?? 20_000);
  const call = () => ({ deadline: new Date(deadline) });
  const sentinel = `${prefix}${SENTINEL}`;
  const to = await endMarker(client, sentinel, call, o.writesRefused ?? false);
  const readable = async (rev: number) => {
    try {
      await client.getAll().prefix(prefix).revision(String(rev)).limit(1).options(call()).exec();
      return true;
    } catch (e) {
      if (String(e).includes("compacted")) return false;
      throw e;
    }
  };
  // Revisions below the last compaction are unreadable, the rest readable: bisect the boundary.
  let from = 1;
  if (!(await readable(1))) {
    let lo = 1, hi = to;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid;
    }
    from = hi;
  }
  const at = await client.getAll().prefix(prefix).revision(String(from)).options(call()).exec();
  const rel = (k: Buffer) => k.toString().slice(prefix.length);
  const initial = at.kvs.filter((kv) => rel(kv.key) !== SENTINEL).map((kv) => logged(kv, rel));
  const events: LoggedEvent[] = [];
  if (from < to) {
    const watcher = client.watch().prefix(prefix).startRevision(String(from + 1)).watcher();
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`key log of ${prefix} not replayed within the deadline`)),
          Math.max(0, deadline - Date.now()),
        );
        const finish = (e?: unknown) => {
          clearTimeout(timer);
          e === undefined ? resolve() : reject(e);
        };
        watcher.on("error", finish);
        watcher.on("data", (res) => {
          for (const ev of res.events) {
            const key = rel(ev.kv.key);
            if (key === SENTINEL) {
              if (Number(ev.kv.mod_revision) >= to) return finish();
              continue;
            }
            events.push(
              ev.type === "Put"
                ? { ...logged(ev.kv, rel), revision: Number(ev.kv.mod_revision), type: "put" }
                : { revision: Number(ev.kv.mod_revision), type: "delete", key },
            );
          }
        });
      });
    } finally {
      await watcher.cancel().catch(() => {});
    }
  }
  if (!o.writesRefused && !o.leaveMarker) {
    await client.delete().key(sentinel).options(call()).exec().catch(() => {});
  }
  const log = { prefix, from, to, initial, events };
  return extenders.get(client)?.(log) ?? log;
}

/** Marks the record's end and returns its revision: puts the marker, or deletes one left earlier. */
async function endMarker(
  client: Etcd3,
  sentinel: string,
  call: () => { deadline: Date },
  writesRefused: boolean,
): Promise<number> {
  if (!writesRefused) {
    return Number((await client.put(sentinel).value("").options(call()).exec()).header.revision);
  }
  const del = await client.delete().key(sentinel).options(call()).exec();
  if (Number(del.deleted) === 0) {
    throw new Error(
      `key log of ${sentinel}: etcd refuses writes and no earlier read left a marker`,
    );
  }
  return Number(del.header.revision);
}

function logged(kv: IKeyValue, rel: (k: Buffer) => string): LoggedKv {
  return {
    key: rel(kv.key),
    value: kv.value.toString(),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    lease: String(kv.lease),
  };
}

/** The keys at one revision, by relative key. */
export type KeyState = ReadonlyMap<string, LoggedKv>;

/**
 * A key log replayed into the state after each revision that changed it,
 * for exact look-ups: what held at revision r, for any r the log covers.
 */
export class KeyTimeline {
  readonly from: number;
  readonly to: number;
  /** Revisions at which the state changed (the first is `from`), ascending. */
  readonly revisions: number[] = [];
  /** The state from each of `revisions` until the next. */
  readonly states: KeyState[] = [];

  constructor(log: KeyLog) {
    this.from = log.from;
    this.to = log.to;
    let state = new Map(log.initial.map((kv) => [kv.key, kv]));
    this.revisions.push(log.from);
    this.states.push(state);
    for (let i = 0; i < log.events.length;) {
      const rev = log.events[i].revision;
      state = new Map(state);
      // All events of one revision (one transaction) apply together.
      for (; i < log.events.length && log.events[i].revision === rev; i++) {
        const e = log.events[i];
        if (e.type === "delete") state.delete(e.key);
        else {
          state.set(e.key, {
            key: e.key,
            value: e.value ?? "",
            createRevision: e.createRevision ?? rev,
            modRevision: rev,
            lease: e.lease ?? "0",
          });
        }
      }
      this.revisions.push(rev);
      this.states.push(state);
    }
  }

  /** Whether the log knows the state at revision `r`. */
  covers(r: number): boolean {
    return r >= this.from && r <= this.to;
  }

  /** The state at revision `r`, or undefined when the log does not cover it. */
  at(r: number): KeyState | undefined {
    if (!this.covers(r)) return undefined;
    return this.states[this.indexAt(r)];
  }

  /** Index into `revisions`/`states` of the state in force at covered revision `r`. */
  indexAt(r: number): number {
    let lo = 0, hi = this.revisions.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.revisions[mid] <= r) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The revisions in [a, b] (clipped to the log) at which `pred` starts or
   * keeps holding, as the first revision of each state where it holds, ascending.
   */
  holding(a: number, b: number, pred: (s: KeyState) => boolean): number[] {
    const lo = Math.max(a, this.from), hi = Math.min(b, this.to);
    if (lo > hi) return [];
    const out: number[] = [];
    for (let i = this.indexAt(lo); i < this.revisions.length && this.revisions[i] <= hi; i++) {
      if (pred(this.states[i])) out.push(Math.max(this.revisions[i], lo));
    }
    return out;
  }

  /**
   * What etcd held under one key at revision `r` (`kv` undefined: no such
   * key), or undefined when the record cannot tell. Besides every covered
   * revision it knows the revisions a compaction took from the record where
   * the key's first recorded state was already in force: from that state's
   * mod revision on, nothing changed the key until the record began.
   */
  keyAt(key: string, r: number): { kv: LoggedKv | undefined } | undefined {
    if (this.covers(r)) return { kv: this.at(r)!.get(key) };
    const first = this.states[0].get(key);
    return r < this.from && first && first.modRevision <= r ? { kv: first } : undefined;
  }

  /**
   * The last change of `key` at or before covered revision `r`: the put or
   * delete that made what etcd held there (undefined: none the log saw).
   */
  lastChange(key: string, r: number): KeyChange | undefined {
    if (!this.covers(r)) return undefined;
    // A replayed state shares the objects of keys it did not change, so a new object is a change.
    for (let i = this.indexAt(r); i > 0; i--) {
      const now = this.states[i].get(key);
      if (now === this.states[i - 1].get(key)) continue;
      return { type: now ? "put" : "delete", revision: this.revisions[i] };
    }
    return undefined;
  }

  /** The first put of `key` after revision `r` whose key-value satisfies `pred` (undefined: none). */
  nextPut(key: string, r: number, pred: (kv: LoggedKv) => boolean): KeyChange | undefined {
    const start = r < this.from ? 0 : this.indexAt(r) + 1;
    for (let i = start; i < this.revisions.length; i++) {
      const kv = this.states[i].get(key);
      if (kv && kv.modRevision === this.revisions[i] && pred(kv)) {
        return { type: "put", revision: this.revisions[i] };
      }
    }
    return undefined;
  }
}

/** One change of a key in the log. */
export interface KeyChange {
  type: "put" | "delete";
  revision: number;
}

/** Keys of a state below a relative sub-prefix. */
export function keysBelow(state: KeyState, sub: string): LoggedKv[] {
  return [...state.values()].filter((kv) => kv.key.startsWith(sub));
}
