import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";

/** What a service registers: the write-up's `{name, host, port}`. */
export interface ServiceInfo {
  /** The service's name. */
  name: string;
  /** The host it serves on. */
  host: string;
  /** The port it serves on. */
  port: number;
}

/**
 * A service's side of a registry implementation, as the service role drives
 * it: `register`, then wait on `next`, then `register` again; `close` when the
 * node stops. A method that throws is recorded as unknown (`info`, the
 * message in the node's log) and the role goes on.
 */
export interface ServiceSubject {
  /**
   * Registers the service: its key holds its value under a lease kept alive
   * (granting what it needs). `ok` once the put is done, value `{ lease }`,
   * revision: the put's. `fail` when it surely did not register. Throw when
   * the outcome is unknown; the role retries 100 ms later either way.
   */
  register(): Promise<Outcome>;
  /**
   * Resolves when the service should register again: with `"refresh tick"`
   * for a scheduled refresh, or any other reason (`"lost"`: its lease or key
   * is gone), which the role records as a `lost` operation. Never rejects
   * for a stop: the role stops waiting on its own.
   */
  next(): Promise<string>;
  /** The lease its key is under now, if any (reported so kill-lease can revoke it). */
  lease(): string | undefined;
  /** Deregisters on a graceful stop (delete the key, revoke the lease); a throw is an unknown `deregister`. */
  close(): Promise<void>;
}

/**
 * A discoverer's side: keeps a view of the registry and reports every
 * change. Each view is recorded as an ok `view` operation at its revision.
 */
export interface DiscovererSubject {
  /**
   * Runs until `ctx.signal` aborts, calling `onView` with the whole view
   * (key → value) after each change and the revision it is at (the revision
   * of the read or watch event it reflects; views must never go back in
   * revision). Resolve when stopped; a throw ends the node's role.
   */
  run(onView: (services: Record<string, string>, revision: number) => void): Promise<void>;
}

/**
 * Both sides of one implementation. `service` builds a service node's side
 * for its registry key and value (the node makes its own clients, through
 * its proxies: `ctx.client()`); `discoverer` a discoverer node's, watching
 * `prefix` with `client`.
 */
export interface DiscoverySubject {
  /** Builds a service node's side for its registry key and value. */
  service(ctx: NodeContext, key: string, value: string): ServiceSubject;
  /** Builds a discoverer node's side, watching `prefix` with `client`. */
  discoverer(ctx: NodeContext, client: Etcd3, prefix: string): DiscovererSubject;
}

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link DiscoverySubject}. */
export const DISCOVERY_SHAPE: SubjectShape = {
  parts: {
    service: { factory: ["register", "next", "lease", "close"] },
    discoverer: { factory: ["run"] },
  },
};
