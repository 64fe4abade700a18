import type { Etcd3 } from "etcd3";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/subjects/shape.ts";

/** What a service registers: the write-up's `{name, host, port}`. */
export interface ServiceInfo {
  name: string;
  host: string;
  port: number;
}

/** A service's side of a registry implementation, as the service role drives it. */
export interface ServiceSubject {
  /** Registers (granting what it needs); ok value `{ lease }`, revision of the put. Throws when unknown. */
  register(): Promise<Outcome>;
  /** Resolves when the service should register again (its registration was lost, or its refresh is due). */
  next(): Promise<string>;
  /** The lease its key is under now, if any (reported so kill-lease can revoke it). */
  lease(): string | undefined;
  /** Deregisters on a graceful stop. */
  close(): Promise<void>;
}

/** A discoverer's side: keeps a view of the registry and reports every change. */
export interface DiscovererSubject {
  /** Runs until `ctx.signal` aborts, calling `onView` with the whole view after each change. */
  run(onView: (services: Record<string, string>, revision: number) => void): Promise<void>;
}

/** Both sides of one implementation. */
export interface DiscoverySubject {
  service(ctx: NodeContext, key: string, value: string): ServiceSubject;
  discoverer(ctx: NodeContext, client: Etcd3, prefix: string): DiscovererSubject;
}

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link DiscoverySubject}. */
export const DISCOVERY_SHAPE: SubjectShape = {
  parts: {
    service: { factory: ["register", "next", "lease", "close"] },
    discoverer: { factory: ["run"] },
  },
};
