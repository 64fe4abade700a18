/**
 * "Whole again": after a fault heals, every member serves, follows one
 * leader, and holds the same keyspace. etcd's own functional tests check the
 * same after every fault: equal revision and KV hash on all members.
 */
import { Etcd3 } from "etcd3";
import type { IHashKVResponse } from "etcd3";
import type { Cluster } from "./cluster.ts";
import { linearizableRead, memberList, memberStatus } from "./gateway.ts";
import { accessFor } from "./access.ts";
import { clientOptions, dialHosts } from "./connect.ts";
import { HarnessError } from "../proc/errors.ts";

/** What one member reported in one poll; `error` when it did not answer. */
export interface MemberView {
  name: string;
  /** The member's raft id (decimal), as it reports it. */
  id?: string;
  leader?: string;
  revision?: number;
  hash?: number;
  error?: string;
}

/** The state the members agreed on. */
export interface Converged {
  leader: string;
  revision: number;
  hash: number;
  /** How long the agreement took to appear, ms. */
  waitedMs: number;
}

/**
 * The KV hash of one member at its current revision: etcd's HashKV, as
 * `etcdctl endpoint hashkv` shows it. (The JSON gateway's
 * /v3/maintenance/hash answers with Hash, the whole backend's hash, so this
 * goes through gRPC with a client of its own, pinned to the member.)
 */
export async function memberHashKV(
  clientUrl: string,
  timeoutMs = 1000,
): Promise<{ revision: number; hash: number; compactRevision: number }> {
  const access = accessFor(clientUrl);
  const client = new Etcd3({ hosts: dialHosts([clientUrl], access), ...clientOptions(access) });
  try {
    // etcd3 1.1.2's maintenance.hashKV asks grpc-js for a method "hashKV", which its
    // proto loader names "HashKV" (keepCase), so it always fails; call it by that name.
    const pool = (client.maintenance as unknown as { client: Callable }).client;
    const r = await pool.exec("Maintenance", "HashKV", { revision: 0 }, {
      deadline: new Date(Date.now() + timeoutMs),
    }) as IHashKVResponse;
    return {
      revision: Number(r.header.revision),
      hash: Number(r.hash),
      compactRevision: Number(r.compact_revision),
    };
  } finally {
    client.close();
  }
}

/**
 * Polls every member once: a linearizable read through it and its status;
 * then, only when all name one leader at one revision, each one's KV hash
 * (the costly part: a gRPC client per member).
 */
export async function viewMembers(cluster: Cluster, timeoutMs = 1000): Promise<MemberView[]> {
  const views = await Promise.all(cluster.members.map(async (m): Promise<MemberView> => {
    try {
      await linearizableRead(m.clientUrl, timeoutMs);
      const status = await memberStatus(m.clientUrl, timeoutMs);
      return { name: m.name, id: status.id, leader: status.leader, revision: status.revision };
    } catch (e) {
      return { name: m.name, error: oneLine(e) };
    }
  }));
  const [first] = views;
  const candidate = views.every((v) =>
    v.error === undefined && v.leader === first.leader && v.revision === first.revision
  );
  if (!candidate) return views;
  return Promise.all(cluster.members.map(async (m, i): Promise<MemberView> => {
    try {
      const kv = await memberHashKV(m.clientUrl, timeoutMs);
      return { ...views[i], revision: kv.revision, hash: kv.hash };
    } catch (e) {
      return { name: m.name, error: oneLine(e) };
    }
  }));
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** The call interface etcd3's RPC clients use underneath. */
interface Callable {
  exec(service: string, method: string, payload: unknown, options?: unknown): Promise<unknown>;
}

/** The agreed state when every view answered and all agree, else undefined. */
export function agreement(views: readonly MemberView[]): Omit<Converged, "waitedMs"> | undefined {
  if (views.length === 0 || views.some((v) => v.error !== undefined || v.hash === undefined)) {
    return undefined;
  }
  const [first] = views;
  if (!first.leader || first.leader === "0") return undefined;
  const same = views.every((v) =>
    v.leader === first.leader && v.revision === first.revision && v.hash === first.hash
  );
  return same ? { leader: first.leader, revision: first.revision!, hash: first.hash! } : undefined;
}

/**
 * Whether etcd's member list is exactly the members the harness knows (by
 * the ids they report): after a member was replaced, no removed member is
 * left in it and the new one is in it. A list that cannot be read is a no.
 */
async function sameMembership(cluster: Cluster, views: readonly MemberView[]): Promise<boolean> {
  try {
    const listed = (await memberList(cluster.members[0].clientUrl)).map((m) => m.id).sort();
    const known = views.map((v) => v.id ?? "").sort();
    return listed.length === known.length && listed.every((id, i) => id === known[i]);
  } catch {
    return false;
  }
}

/**
 * Resolves once every member serves linearizable reads, names the same
 * leader, and reports the same revision and KV hash, and etcd's member list
 * is exactly these members; throws a
 * {@link HarnessError} after `timeoutMs` naming what each member last said.
 * Meant for a quiet cluster (no writes in flight), e.g. after a heal.
 */
export async function waitConverged(cluster: Cluster, timeoutMs: number): Promise<Converged> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let views: MemberView[] = [];
  let membershipOff = false;
  while (true) {
    const left = deadline - Date.now();
    views = await viewMembers(cluster, Math.max(100, Math.min(1000, left)));
    const agreed = agreement(views);
    membershipOff = false;
    if (agreed) {
      if (await sameMembership(cluster, views)) {
        return { ...agreed, waitedMs: Date.now() - started };
      }
      membershipOff = true;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const said = views.map((v) =>
    v.error !== undefined
      ? `${v.name}: ${v.error}`
      : `${v.name}: leader ${v.leader} revision ${v.revision} hash ${v.hash}`
  ).join("; ");
  const membership = membershipOff ? " (but etcd's member list is not these members)" : "";
  throw new HarnessError(`members did not converge within ${timeoutMs} ms: ${said}${membership}`);
}
