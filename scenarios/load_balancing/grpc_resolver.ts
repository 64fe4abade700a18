/**
 * A gRPC name resolver fed from outside (e.g. by a watch of an etcd prefix):
 * grpc-js asks a resolver for addresses, and this one hands the channel's load
 * balancer every list its feed delivers. It uses grpc-js's experimental
 * resolver API, whose listener shape changes between versions (pinned: 1.14).
 */
import * as grpc from "@grpc/grpc-js";

/** An address list (`host:port`) and the etcd revision it reflects. */
export interface ResolvedAddresses {
  /** The servers' addresses, `host:port`. */
  addrs: string[];
  /** The etcd revision the list reflects. */
  revision: number;
}

/**
 * Where a resolver's addresses come from. `start` begins delivering lists
 * (never synchronously: grpc-js forbids answers from inside its own call);
 * `close` stops it. A feed may be started again after it was closed.
 */
export interface AddressFeed {
  /** Begins delivering address lists to `deliver`, never synchronously. */
  start(deliver: (update: ResolvedAddresses) => void): void;
  /** Stops delivering; `start` may be called again. */
  close(): void;
}

/** The URI scheme of feed-backed targets. */
export const FEED_SCHEME = "etcd-drills";

interface FeedEntry {
  feed: AddressFeed;
  onApplied: (update: ResolvedAddresses) => void;
}

const feeds = new Map<string, FeedEntry>();
let registered = false;
let nextId = 1;

/**
 * A target (`etcd-drills:///feed-N`) whose resolver is `feed`: pass it to a
 * gRPC client. Each list goes to the channel's load balancer first, then to
 * `onApplied`, so whoever records it knows the balancer already has it.
 */
export function feedTarget(
  feed: AddressFeed,
  onApplied: (update: ResolvedAddresses) => void = () => {},
): string {
  if (!registered) {
    grpc.experimental.registerResolver(FEED_SCHEME, FeedResolver);
    registered = true;
  }
  const id = `feed-${nextId++}`;
  feeds.set(id, { feed, onApplied });
  return `${FEED_SCHEME}:///${id}`;
}

/** The grpc-js resolver behind a feed target. */
class FeedResolver implements grpc.experimental.Resolver {
  #entry: FeedEntry | undefined;
  #listener: grpc.experimental.ResolverListener;
  #started = false;

  constructor(
    target: grpc.experimental.GrpcUri,
    listener: grpc.experimental.ResolverListener,
    _options: grpc.ChannelOptions,
  ) {
    this.#entry = feeds.get(target.path.replace(/^\//, ""));
    this.#listener = listener;
  }

  /**
   * The feed pushes every change as it happens, so only the first request
   * starts it. Later requests (round_robin asks again whenever a connection
   * drops) need nothing: answering each with a new list would make the
   * balancer rebuild its children and ask again, a loop seen when measured.
   */
  updateResolution(): void {
    if (this.#started) return;
    const entry = this.#entry;
    if (!entry) {
      queueMicrotask(() =>
        this.#listener(
          grpc.experimental.statusOrFromError({
            code: grpc.status.UNAVAILABLE,
            details: "no address feed for this target: create it with feedTarget()",
          }),
          {},
          null,
          "",
        )
      );
      return;
    }
    this.#started = true;
    entry.feed.start((update) => {
      if (!this.#started) return;
      const endpoints = update.addrs.map((a) => {
        const hp = grpc.experimental.splitHostPort(a);
        return { addresses: [{ host: hp?.host ?? a, port: hp?.port ?? 0 }] };
      });
      this.#listener(
        grpc.experimental.statusOrFromValue(endpoints),
        {},
        null,
        `etcd revision ${update.revision}`,
      );
      entry.onApplied(update);
    });
  }

  destroy(): void {
    if (!this.#started) return;
    this.#started = false;
    this.#entry?.feed.close();
  }

  static getDefaultAuthority(target: grpc.experimental.GrpcUri): string {
    return target.path.replace(/^\//, "") || "greeter";
  }
}
