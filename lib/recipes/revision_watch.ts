import { Buffer } from "node:buffer";
import { Range } from "etcd3";
import type { Etcd3, IEvent, IWatchResponse } from "etcd3";
import type { WatchLog, WatchRecorder } from "../history/watch_record.ts";

/** The watch's start revision was compacted away: the events before `compactRevision` are gone. */
export class WatchCompactedError extends Error {
  override name = "WatchCompactedError";
  readonly compactRevision: number;

  constructor(compactRevision: number) {
    super(
      `history before revision ${compactRevision} was compacted: read the current state and record the gap`,
    );
    this.compactRevision = compactRevision;
  }
}

/** The watch stream ended (member gone, stream error, cancelled): open a new one from your own revision. */
export class WatchEndedError extends Error {
  override name = "WatchEndedError";
}

/** What to watch: one key, or every key below a prefix, from a revision on. */
export interface RevisionWatchOptions {
  key: string;
  prefix?: boolean;
  /** First revision delivered (inclusive). */
  startRevision: number;
  /** Records every response the watch receives (`ctx.watchRecorder()`), for the watch-guarantees check. */
  record?: WatchRecorder;
}

/**
 * One watch of a key or prefix from a start revision, on its own stream,
 * with no hidden reconnect. The etcd3 library's watcher reconnects by itself
 * and, on reconnect, resumes after the revision of the last response header
 * (the store's revision, not the last event's): a watcher still catching up
 * can skip events. Here the stream simply ends with an error, and the caller
 * resumes from the revision it has processed, which it knows exactly.
 */
export class RevisionWatch {
  // deno-lint-ignore no-explicit-any
  #stream: any;
  #events: IEvent[] = [];
  #ended?: Error;
  #wake?: () => void;
  #log?: WatchLog;

  private constructor() {}

  /** Opens the stream and sends the create request; events arrive through {@link next}. */
  static async open(client: Etcd3, o: RevisionWatchOptions): Promise<RevisionWatch> {
    const w = new RevisionWatch();
    const stream = await client.watchClient.watch();
    w.#stream = stream;
    w.#log = o.record?.open({ key: o.key, prefix: o.prefix, start: o.startRevision });
    stream.on("data", (res: IWatchResponse) => w.#onResponse(res));
    stream.on(
      "error",
      (e: Error) => w.#end(new WatchEndedError(`watch stream failed: ${e.message}`)),
    );
    stream.on("end", () => w.#end(new WatchEndedError("watch stream ended")));
    const key = Buffer.from(o.key);
    stream.write({
      create_request: {
        key,
        range_end: o.prefix ? Range.prefix(key).end : undefined,
        start_revision: o.startRevision,
      },
    });
    return w;
  }

  #onResponse(res: IWatchResponse): void {
    this.#log?.(res);
    if (res.canceled) {
      const compacted = Number(res.compact_revision ?? 0);
      this.#end(
        compacted > 0
          ? new WatchCompactedError(compacted)
          : new WatchEndedError(`watch cancelled: ${res.cancel_reason || "no reason given"}`),
      );
      return;
    }
    if (res.events?.length) {
      this.#events.push(...res.events);
      this.#wake?.();
    }
  }

  #end(e: Error): void {
    this.#ended ??= e;
    this.#wake?.();
  }

  /**
   * The events that arrived since the last call, in revision order, waiting
   * up to `timeoutMs` (or until `signal` aborts) for at least one; an empty
   * list when none came. Throws once the watch has ended and every event
   * before the end was taken.
   */
  async next(timeoutMs: number, signal: AbortSignal): Promise<IEvent[]> {
    if (this.#events.length === 0 && !this.#ended && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          this.#wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener("abort", done, { once: true });
        this.#wake = done;
      });
    }
    if (this.#events.length > 0) return this.#events.splice(0);
    if (this.#ended) throw this.#ended;
    return [];
  }

  /** Ends the stream (idempotent). */
  close(): void {
    this.#end(new WatchEndedError("watch closed"));
    try {
      this.#stream?.cancel();
    } catch { /* already gone */ }
  }
}
