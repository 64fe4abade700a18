/**
 * A real cluster (process or container kind) for member-fault tests, the
 * World a fault sees, and bounded waits on effects (no fixed sleeps).
 */
import { Etcd3 } from "etcd3";
import type { Cluster, MemberControl } from "../../lib/cluster/cluster.ts";
import { startCluster } from "../../lib/cluster/create.ts";
import { gatewayCall, linearizableRead, memberStatus } from "../../lib/cluster/gateway.ts";
import type { World } from "../../lib/faults/fault.ts";

/** A cluster whose kind controls its members (process, container). */
export type ControlledCluster = Cluster & MemberControl;

/** Runs `fn` against a fresh cluster of `members` members; always stops it and removes its dirs. */
export async function withCluster(
  members: number,
  fn: (c: ControlledCluster, world: World) => Promise<void>,
  kind: "process" | "container" = "process",
): Promise<void> {
  const logDir = await Deno.makeTempDir({ prefix: "drills-test-etcd-" });
  let cluster: ControlledCluster | undefined;
  let admin: Etcd3 | undefined;
  try {
    cluster = await startCluster({ kind, members, logDir }) as ControlledCluster;
    await cluster.waitReady(20_000);
    admin = new Etcd3({ hosts: cluster.members.map((m) => m.clientUrl) });
    const start = performance.now();
    const world: World = {
      cluster,
      nodes: [],
      admin,
      ttlMs: 2000,
      busyNodes: new Set(),
      busyMembers: new Set(),
      now: () => performance.now() - start,
    };
    await fn(cluster, world);
  } finally {
    admin?.close();
    await cluster?.stop();
    await Deno.remove(logDir, { recursive: true });
  }
}

/** Retries `fn` until it resolves, for at most `ms`; then throws its last error. */
export async function eventually<T>(what: string, fn: () => Promise<T>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (true) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) {
        throw new Error(`${what} not within ${ms} ms: ${e instanceof Error ? e.message : e}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The client URL of a member by name. */
export function urlOf(c: Cluster, name: string): string {
  return c.members.find((m) => m.name === name)!.clientUrl;
}

/** A put through one member's gateway, bounded by `timeoutMs`; returns the revision it made. */
export async function put(
  c: Cluster,
  member: string,
  key: string,
  value: string,
  timeoutMs = 1000,
): Promise<number> {
  const r = await gatewayCall(
    urlOf(c, member),
    "/v3/kv/put",
    { key: btoa(key), value: btoa(value) },
    timeoutMs,
  );
  return Number((r.header as Record<string, string>).revision);
}

/** A linearizable read through one member, bounded by `timeoutMs`. */
export function read(c: Cluster, member: string, timeoutMs = 1000): Promise<void> {
  return linearizableRead(urlOf(c, member), timeoutMs);
}

/** Resolves when `p` rejects; throws when it resolves. */
export async function fails(what: string, p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch {
    return;
  }
  throw new Error(`${what} succeeded`);
}

/** The leader `among` all report, by name; throws while they disagree or know none. */
export async function agreedLeader(c: Cluster, among: string[]): Promise<string> {
  const ids = new Map<string, string>();
  const leaders = new Set<string>();
  for (const name of among) {
    const s = await memberStatus(urlOf(c, name), 500);
    ids.set(s.id, name);
    leaders.add(s.leader);
  }
  if (leaders.size !== 1) throw new Error(`no agreed leader among ${among.join(",")}`);
  const [id] = leaders;
  // The leader is named by id; find its name from any member's own status.
  for (const m of c.members) {
    if (ids.has(id)) break;
    try {
      const s = await memberStatus(m.clientUrl, 500);
      ids.set(s.id, m.name);
    } catch { /* unreachable member */ }
  }
  const name = ids.get(id);
  if (!name) throw new Error(`leader ${id} is none of the members`);
  return name;
}
