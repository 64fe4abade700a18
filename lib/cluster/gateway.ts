/**
 * etcd's JSON gRPC gateway, used where a client library is too heavy:
 * readiness probes, status and leader discovery. Members that need TLS or a
 * user are reached with what their cluster registered (access.ts).
 */
import { accessFor } from "./access.ts";
import type { ConnectOptions } from "./connect.ts";

const b64 = (s: string) => btoa(s);

/** POSTs to an etcd v3 gateway endpoint with a deadline; throws on HTTP or network errors. */
export async function gatewayCall(
  clientUrl: string,
  path: string,
  body: unknown,
  timeoutMs = 1000,
): Promise<Record<string, unknown>> {
  const access = accessFor(clientUrl);
  const call = async (token?: string) => {
    const res = await fetch(`${clientUrl}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      headers: token ? { Authorization: token } : {},
      ...(access ? { client: httpClient(access) } : {}),
    } as RequestInit);
    return { res, json: await res.json() };
  };
  let token = access?.username ? await authToken(clientUrl, access, timeoutMs) : undefined;
  let { res, json } = await call(token);
  if (!res.ok && token && /auth token|invalid auth/i.test(JSON.stringify(json))) {
    // Simple tokens die with the member that issued them (or expire): get a new one once.
    tokens.delete(new URL(clientUrl).origin);
    token = await authToken(clientUrl, access!, timeoutMs);
    ({ res, json } = await call(token));
  }
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const clients = new WeakMap<ConnectOptions, Deno.HttpClient>();
/** A fetch client with the TLS files of `c`, one per settings object. */
export function httpClient(c: ConnectOptions): Deno.HttpClient {
  let client = clients.get(c);
  if (!client) {
    client = Deno.createHttpClient({
      caCerts: c.caFile ? [Deno.readTextFileSync(c.caFile)] : undefined,
      ...(c.certFile && c.keyFile
        ? { cert: Deno.readTextFileSync(c.certFile), key: Deno.readTextFileSync(c.keyFile) }
        : {}),
    });
    clients.set(c, client);
  }
  return client;
}

const tokens = new Map<string, string>();
/**
 * A token for the harness's user at this member, cached until the member
 * refuses it. Authenticating costs the member a bcrypt hash and a raft round,
 * so it gets a deadline of its own, longer than a probe's.
 */
async function authToken(clientUrl: string, c: ConnectOptions, probeMs: number): Promise<string> {
  const timeoutMs = Math.max(probeMs, 5000);
  const origin = new URL(clientUrl).origin;
  const cached = tokens.get(origin);
  if (cached) return cached;
  const res = await fetch(`${clientUrl}/v3/auth/authenticate`, {
    method: "POST",
    body: JSON.stringify({ name: c.username, password: c.password ?? "" }),
    signal: AbortSignal.timeout(timeoutMs),
    client: httpClient(c),
  } as RequestInit);
  const json = await res.json();
  if (!res.ok || typeof json.token !== "string") {
    throw new Error(`/v3/auth/authenticate as ${c.username}: ${res.status}`);
  }
  tokens.set(origin, json.token);
  return json.token;
}

/** A linearizable read through one member: succeeds only with a leader and a quorum. */
export async function linearizableRead(clientUrl: string, timeoutMs = 1000): Promise<void> {
  await gatewayCall(clientUrl, "/v3/kv/range", { key: b64("etcd-drills/ready") }, timeoutMs);
}

/**
 * The member's status: its id, the leader's id ("0" when it knows none), the
 * term of its last applied entry (etcd's status raftTerm, not raft's current
 * term: a candidate campaigning at higher terms still reports the old one)
 * and its store revision.
 */
export async function memberStatus(
  clientUrl: string,
  timeoutMs = 1000,
): Promise<{ id: string; leader: string; raftTerm: number; revision: number }> {
  const s = await gatewayCall(clientUrl, "/v3/maintenance/status", {}, timeoutMs);
  const header = s.header as Record<string, string>;
  return {
    id: header.member_id,
    // JSON leaves out zero values: no "leader" means none is known ("0").
    leader: String(s.leader ?? "0"),
    raftTerm: Number(s.raftTerm ?? header.raft_term),
    revision: Number(header.revision),
  };
}

/** The cluster's members as etcd sees them: id (decimal string) and name. */
export async function memberList(clientUrl: string): Promise<{ id: string; name: string }[]> {
  const r = await gatewayCall(clientUrl, "/v3/cluster/member/list", {});
  return (r.members as { ID: string; name: string }[]).map((m) => ({ id: m.ID, name: m.name }));
}

/** Removes a member from the cluster by id (decimal string), through any member that serves. */
export async function removeMember(clientUrl: string, id: string, timeoutMs = 3000): Promise<void> {
  // etcd refuses a removal too ("unhealthy cluster") in the 5 s after its leader lost touch
  // with a member (see addMember): retried, bounded by 10 s.
  const deadline = Date.now() + 10_000;
  while (true) {
    try {
      await gatewayCall(clientUrl, "/v3/cluster/member/remove", { ID: id }, timeoutMs);
      return;
    } catch (e) {
      if (!/unhealthy cluster/.test(String(e)) || Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Adds a member with these peer URLs (it joins when started with
 * `--initial-cluster-state existing`); resolves with its new id (decimal
 * string). etcd refuses an add ("unhealthy cluster") until its leader has
 * been connected to every voting member for 5 s (its HealthInterval), e.g.
 * right after a removal or a restart, and answers "member not found" right
 * after a removal of a member that had just joined: such refusals are
 * retried until `timeoutMs` has passed.
 */
export async function addMember(
  clientUrl: string,
  peerUrls: string[],
  timeoutMs = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    try {
      const r = await gatewayCall(
        clientUrl,
        "/v3/cluster/member/add",
        { peerURLs: peerUrls },
        3000,
      );
      return String((r.member as { ID: string }).ID);
    } catch (e) {
      if (!/unhealthy cluster|member not found/.test(String(e)) || Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Resolves once a linearizable read succeeds through the member at `clientUrl`; throws after `timeoutMs`. */
export async function waitServes(clientUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    try {
      await linearizableRead(clientUrl, Math.max(200, Math.min(1000, deadline - Date.now())));
      return;
    } catch (e) {
      if (Date.now() >= deadline) {
        throw new Error(
          `${clientUrl} did not serve within ${timeoutMs} ms: ${
            (e instanceof Error ? e.message : String(e)).split("\n")[0]
          }`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
