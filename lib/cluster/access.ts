/**
 * How the harness itself reaches members that need TLS or a user: the
 * cluster that made them (or was given them) registers its settings per
 * client URL, and the harness's own probes (the JSON gateway, HashKV)
 * look them up. Scenarios never see these: nodes get their own user.
 */
import type { ConnectOptions } from "./connect.ts";

const byOrigin = new Map<string, ConnectOptions>();

/** Registers how to reach these client URLs; returns a function that forgets them. */
export function registerAccess(clientUrls: readonly string[], connect: ConnectOptions): () => void {
  const origins = clientUrls.map((u) => new URL(u).origin);
  for (const o of origins) byOrigin.set(o, connect);
  return () => {
    for (const o of origins) if (byOrigin.get(o) === connect) byOrigin.delete(o);
  };
}

/** The settings registered for the member at `clientUrl`, if any. */
export function accessFor(clientUrl: string): ConnectOptions | undefined {
  return byOrigin.get(new URL(clientUrl).origin);
}
