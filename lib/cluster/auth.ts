/**
 * `--auth` on clusters the harness runs: a root user the harness keeps to
 * itself (its password lives only in this process's memory), and one etcd
 * user per node whose role may read and write the run's key prefix and
 * nothing else. Everything goes through the JSON gateway (gateway.ts).
 */
import { gatewayCall } from "./gateway.ts";

/** A user's name and password. */
export interface Credentials {
  username: string;
  password: string;
}

/** A password nobody chose: 24 random bytes, base64url. */
export function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/** Creates the root user and role and enables auth, through the member at `clientUrl`. */
export async function enableAuth(clientUrl: string, root: Credentials): Promise<void> {
  await gatewayCall(clientUrl, "/v3/auth/role/add", { name: "root" }, 5000);
  await gatewayCall(
    clientUrl,
    "/v3/auth/user/add",
    { name: root.username, password: root.password },
    5000,
  );
  await gatewayCall(clientUrl, "/v3/auth/user/grant", { user: root.username, role: "root" }, 5000);
  await gatewayCall(clientUrl, "/v3/auth/enable", {}, 5000);
}

/**
 * One user per node, all with one role that may read and write below
 * `prefix` only. Call with root's access registered for `clientUrl`.
 */
export async function prefixUsers(
  clientUrl: string,
  prefix: string,
  nodes: readonly string[],
): Promise<Record<string, Credentials>> {
  const role = `drills-${prefix.split("/").filter(Boolean).pop()}`;
  await gatewayCall(clientUrl, "/v3/auth/role/add", { name: role }, 5000);
  await gatewayCall(clientUrl, "/v3/auth/role/grant", {
    name: role,
    perm: { permType: "READWRITE", key: b64(prefix), range_end: b64(prefixEnd(prefix)) },
  }, 5000);
  const users: Record<string, Credentials> = {};
  for (const node of nodes) {
    const creds = { username: `${role}-${node}`, password: randomPassword() };
    await gatewayCall(
      clientUrl,
      "/v3/auth/user/add",
      { name: creds.username, password: creds.password },
      5000,
    );
    await gatewayCall(clientUrl, "/v3/auth/user/grant", { user: creds.username, role }, 5000);
    users[node] = creds;
  }
  return users;
}

/** The end of the key range a prefix covers: the prefix with its last byte + 1. */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

const b64 = (s: string) => btoa(s);
