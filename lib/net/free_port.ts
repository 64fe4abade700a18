import { HarnessError } from "../proc/errors.ts";

// Below Linux's ephemeral range (32768+): a port the kernel hands to an outgoing
// connection can't collide with one we picked but have not bound yet.
const LOW = 20000;
const HIGH = 32000;

/**
 * Ports this process handed out, each held by an abstract Unix socket named
 * for it: every etcd-drills process on the machine sees the name, so two
 * runs at once (parallel tests, `run all --jobs`, two terminals) never pick
 * the same port, not even while a killed member's port lies unbound for
 * seconds. The kernel drops the names when the process ends, however it ends;
 * nothing is left on disk.
 */
const reserved = new Map<number, Deno.Listener>();

/** Reserves `port` for this process; false when this or another etcd-drills process holds it. */
export function reservePort(port: number): boolean {
  if (reserved.has(port)) return false;
  try {
    reserved.set(port, Deno.listen({ transport: "unix", path: `\0etcd-drills-port-${port}` }));
    return true;
  } catch {
    return false; // another etcd-drills process holds it
  }
}

/**
 * A port on 127.0.0.1 outside the ephemeral range that was free a moment
 * ago, reserved for this process until {@link releasePort}.
 */
export function freePort(): number {
  for (let i = 0; i < 1000; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (!reservePort(port)) continue;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
    } catch {
      releasePort(port);
      continue;
    }
    return port;
  }
  throw new HarnessError(`no free port between ${LOW} and ${HIGH} on 127.0.0.1: free some ports`);
}

/** Gives back ports {@link freePort} handed out, once whatever used them has closed. */
export function releasePort(...ports: number[]): void {
  for (const port of ports) {
    reserved.get(port)?.close();
    reserved.delete(port);
  }
}

/** Throws a HarnessError saying what to do when `port` is taken. */
export function assertPortFree(port: number): void {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
  } catch {
    throw new HarnessError(
      `port ${port} on 127.0.0.1 is busy: stop what holds it or choose another --ports-from`,
    );
  }
}

/**
 * Resolves once `port` on 127.0.0.1 can be bound, polling for up to
 * `timeoutMs`; throws a HarnessError naming it otherwise. A member restarted
 * on its old ports waits here: while it was down, another program on the
 * machine may have held the port for a moment.
 */
export async function waitPortFree(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return;
    } catch {
      if (Date.now() >= deadline) {
        throw new HarnessError(
          `port ${port} on 127.0.0.1 stayed busy for ${timeoutMs} ms: another program holds a member's port`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
