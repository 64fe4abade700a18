import type { Etcd3, IKeyValue, Watcher } from "etcd3";
import type { WatchRecorder } from "../history/watch_record.ts";

/** What the view holds for one key. */
export interface ViewEntry {
  value: string;
  /** Lease id (decimal; "0" for none). */
  lease: string;
  createRevision: number;
  modRevision: number;
}

/** One change applied to the view. */
export interface ViewChange {
  type: "put" | "delete";
  key: string;
  /** The entry after a put. */
  entry?: ViewEntry;
  /** The entry before the change, if the view held the key. */
  previous?: ViewEntry;
}

/** Called after the view applied all changes up to `revision` (a read, or one revision of events). */
export type ViewListener = (
  changes: ViewChange[],
  revision: number,
  view: ReadonlyMap<string, ViewEntry>,
) => void;

/** Settings of {@link PrefixView.run}. */
export interface PrefixViewOptions {
  /** Gap before a watch is re-established after it failed, ms (default 100): no hot loop on a dead member. */
  retryMs?: number;
  /**
   * Called after the prefix was read again because the watch's revisions were
   * compacted away: the revisions after `after` up to `revision` were not
   * applied one by one (a caller that must see every state reports the gap).
   */
  onResync?: (after: number, revision: number) => void;
  /** Records every response the view's watches receive (`ctx.watchRecorder()`), for the watch-guarantees check. */
  record?: WatchRecorder;
}

/**
 * A local copy of everything under a prefix, kept in step with etcd: read
 * the prefix at a revision, then watch from the next one and apply events
 * strictly in revision order, dropping any at or below the revision already
 * applied (a resumed watch may replay them). When the watch disconnects it
 * is re-established from the applied revision itself: etcd3 resumes from the
 * revision of its last response header, which can skip events still in
 * flight. When etcd cancels the watch (the revision was compacted), the
 * prefix is read again and the difference applied.
 */
export class PrefixView {
  readonly #client: Etcd3;
  readonly #prefix: string;
  readonly #listener: ViewListener;
  #view = new Map<string, ViewEntry>();
  #revision = 0;

  constructor(client: Etcd3, prefix: string, listener: ViewListener) {
    this.#client = client;
    this.#prefix = prefix;
    this.#listener = listener;
  }

  /** The revision applied so far (0 before the first read). */
  get revision(): number {
    return this.#revision;
  }

  /** The current view. */
  get entries(): ReadonlyMap<string, ViewEntry> {
    return this.#view;
  }

  /** Keeps the view until `signal` aborts; never throws. */
  async run(signal: AbortSignal, o: PrefixViewOptions = {}): Promise<void> {
    const retryMs = o.retryMs ?? 100;
    let needRead = true;
    while (!signal.aborted) {
      if (needRead) {
        const after = this.#revision;
        try {
          await this.#read();
          needRead = false;
          if (after > 0) o.onResync?.(after, this.#revision);
        } catch {
          await pause(retryMs, signal);
          continue;
        }
      }
      const why = await this.#follow(signal, o.record);
      if (why === "compacted") needRead = true;
      if (why !== "stopped") await pause(retryMs, signal);
    }
  }

  /** Reads the whole prefix and applies the difference to the view. */
  async #read(): Promise<void> {
    const res = await this.#client.getAll().prefix(this.#prefix).exec();
    const revision = Number(res.header.revision);
    if (revision <= this.#revision) return; // nothing newer than what we hold
    const fresh = new Map(res.kvs.map((kv) => [kv.key.toString(), toEntry(kv)]));
    const changes: ViewChange[] = [];
    for (const [key, previous] of this.#view) {
      if (!fresh.has(key)) changes.push({ type: "delete", key, previous });
    }
    for (const [key, entry] of fresh) {
      const previous = this.#view.get(key);
      if (!previous || previous.modRevision !== entry.modRevision) {
        changes.push({ type: "put", key, entry, previous });
      }
    }
    this.#view = fresh;
    this.#revision = revision;
    this.#listener(changes, revision, this.#view);
  }

  /** Watches from the next revision until the watch fails or `signal` aborts. */
  #follow(
    signal: AbortSignal,
    record?: WatchRecorder,
  ): Promise<"stopped" | "disconnected" | "compacted"> {
    // The listener may have aborted during the read: an abort listener added now would never fire.
    if (signal.aborted) return Promise.resolve("stopped");
    const start = this.#revision + 1;
    const watcher: Watcher = this.#client.watch().prefix(this.#prefix)
      .startRevision(String(start)).watcher();
    const log = record?.open({ key: this.#prefix, prefix: true, start });
    return new Promise((resolve) => {
      const done = (why: "stopped" | "disconnected" | "compacted") => {
        signal.removeEventListener("abort", stop);
        watcher.removeAllListeners();
        watcher.on("error", () => {});
        watcher.cancel().catch(() => {});
        resolve(why);
      };
      const stop = () => done("stopped");
      signal.addEventListener("abort", stop, { once: true });
      watcher.on("data", (res) => {
        log?.(res);
        this.#apply(res.events);
      });
      watcher.on("disconnected", () => done("disconnected"));
      watcher.on("error", () => done("compacted"));
    });
  }

  /** Applies watch events above the applied revision, one listener call per revision. */
  #apply(events: { type: string; kv: IKeyValue }[]): void {
    let changes: ViewChange[] = [];
    let at = 0;
    const before = this.#revision; // a txn's events share one revision: compare with the revision before
    const flush = () => {
      if (changes.length > 0) this.#listener(changes, at, this.#view);
      changes = [];
    };
    for (const ev of events) {
      const revision = Number(ev.kv.mod_revision);
      if (revision <= before) continue;
      if (revision !== at) flush();
      at = revision;
      this.#revision = revision;
      const key = ev.kv.key.toString();
      const previous = this.#view.get(key);
      if (String(ev.type).toLowerCase() === "delete") {
        this.#view.delete(key);
        changes.push({ type: "delete", key, previous });
      } else {
        const entry = toEntry(ev.kv);
        this.#view.set(key, entry);
        changes.push({ type: "put", key, entry, previous });
      }
    }
    flush();
  }
}

function toEntry(kv: IKeyValue): ViewEntry {
  return {
    value: kv.value.toString(),
    lease: String(kv.lease),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
