/**
 * The kv workload: each client issues seeded random requests on a small keyspace, one at a time
 * (Jepsen's single-threaded process): reads (linearizable and serializable), ranges, puts,
 * deletes, transactions on a value or mod revision it saw, lease grants and revokes, puts under
 * a lease. Small keyspace, so clients collide and the check has orders to refute.
 */
import type { KvRequest } from "./subject.ts";

/** What a client remembers to aim its transactions and leases. */
export interface ClientMemory {
  /** The last value and mod revision this client saw of each key. */
  seen: Map<string, { value: string; modRevision: number }>;
  /** Leases this incarnation granted and has not revoked. */
  leases: string[];
}

/** Options of {@link drawRequest}. */
export interface DrawOptions {
  random: () => number;
  keys: readonly string[];
  /** The keys' common prefix (ranges read it). */
  prefix: string;
  /** A value no other request writes (node.incarnation.seq). */
  unique: string;
  /** Lease TTL, seconds. */
  ttl: number;
  memory: ClientMemory;
}

/** The next request. */
export function drawRequest(o: DrawOptions): KvRequest {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(o.random() * xs.length)];
  const key = pick(o.keys);
  const lease = o.memory.leases.length > 0 ? pick(o.memory.leases) : undefined;
  const x = o.random();
  if (x < 0.2) return { f: "get", key };
  if (x < 0.3) return { f: "get", key, serializable: true };
  if (x < 0.38) return { f: "range", prefix: o.prefix, serializable: o.random() < 0.3 };
  if (x < 0.58) return { f: "put", key, value: o.unique };
  if (x < 0.64 && lease) return { f: "put", key, value: o.unique, lease };
  if (x < 0.72) return { f: "delete", key };
  if (x < 0.9) {
    const seen = o.memory.seen.get(key);
    const compare = !seen || o.random() < 0.2
      ? { modRevision: 0 }
      : o.random() < 0.5
      ? { value: seen.value }
      : { modRevision: seen.modRevision };
    const then = o.random() < 0.8 ? { put: o.unique } : { delete: true as const };
    return { f: "txn", key, compare, then };
  }
  if (x < 0.95 || !lease) return { f: "grant", ttl: o.ttl };
  return { f: "revoke", lease };
}

/** Updates what the client remembers from an acknowledged answer. */
export function remember(
  memory: ClientMemory,
  request: KvRequest,
  answer: unknown,
  revision: number | undefined,
): void {
  const a = (answer ?? {}) as Record<string, unknown>;
  const saw = (kv: unknown) => {
    const k = kv as { key: string; value: string; modRevision: number } | null | undefined;
    if (k) memory.seen.set(k.key, { value: k.value, modRevision: k.modRevision });
  };
  switch (request.f) {
    case "get":
      saw(a.kv);
      break;
    case "range":
      for (const kv of (Array.isArray(answer) ? answer : [])) saw(kv);
      break;
    case "put":
      if (revision) memory.seen.set(request.key, { value: request.value, modRevision: revision });
      break;
    case "grant":
      if (typeof a.lease === "string") memory.leases.push(a.lease);
      break;
    case "revoke":
      memory.leases = memory.leases.filter((l) => l !== request.lease);
      break;
  }
}
