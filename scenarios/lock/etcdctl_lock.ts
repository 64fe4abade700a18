/**
 * etcd's own Go lock, `concurrency.Mutex`, as `etcdctl lock NAME -- CMD`
 * gives it: etcdctl opens a session (a lease of `--ttl` seconds kept alive
 * by clientv3), queues on the lock, runs CMD while it holds it with
 * `ETCD_LOCK_KEY` and `ETCD_LOCK_REV` in CMD's environment, and unlocks when
 * CMD exits. Here CMD is a tiny shell that tells the node the key and the
 * revision and waits for the node to release it; the node's critical section
 * runs meanwhile. Nothing tells CMD when the session's lease expires.
 */
import { fail, ok } from "../../lib/node/context.ts";
import type { Outcome } from "../../lib/node/context.ts";
import { Etcdctl, leaseOfKey } from "../../lib/subjects/etcdctl.ts";
import type { LockSubjectFactory } from "./subject.ts";

/**
 * CMD: print "held <pid> <key> <rev>", then wait until SIGTERM (exit 0, so
 * etcdctl unlocks and exits 0). The wait is a child tied to the shell, so
 * nothing outlives it.
 */
const HOLDER = [
  `trap 'kill $! 2>/dev/null; exit 0' TERM`,
  `echo "held $$ $ETCD_LOCK_KEY $ETCD_LOCK_REV"`,
  `if command -v setpriv >/dev/null 2>&1; then setpriv --pdeathsig KILL -- sleep 86400 & else sleep 86400 & fi`,
  `wait $!`,
].join("\n");

/** What etcdctl's CMD was given while it holds the lock. */
interface Held {
  proc: Etcdctl;
  /** The shell CMD's pid: SIGTERM to it releases. */
  holderPid: number;
  /** ETCD_LOCK_KEY: `<name>/<lease id in hex>`. */
  key: string;
  /** ETCD_LOCK_REV: the revision of the response that granted the lock. */
  rev: number;
  lease?: string;
}

/** How the critical section's write is guarded. */
type WriteGuard = "none" | "lock-key";

function etcdctlLockSubject(guard: WriteGuard): LockSubjectFactory {
  return (ctx, client, lockPrefix) => {
    let held: Held | undefined;
    const name = lockPrefix.replace(/\/$/, "");
    // A queue of 5 contenders with 300 ms critical sections clears well within this.
    const waitMs = Math.max(10_000, 5 * ctx.ttl * 1000);
    const releaseMs = Math.max(4000, 2 * ctx.callTimeoutMs);
    return {
      async acquire() {
        const proc = await Etcdctl.start(ctx, [
          "--dial-timeout=2s",
          "lock",
          `--ttl=${Math.max(1, Math.round(ctx.ttl))}`,
          name,
          "--",
          ...holderCommand(),
        ]);
        const got = await proc.nextLine(waitMs, ctx.signal);
        if (got.kind === "line") {
          held = parseHeld(proc, got.line);
          return ok({ token: held.rev, key: held.key, lease: held.lease }, held.rev);
        }
        if (got.kind === "exited") {
          return fail(
            `etcdctl lock exited (code ${got.code}) before holding: ${proc.stderrTail()}`,
          );
        }
        // Given up (or stopping): SIGTERM cancels the wait and etcdctl deletes its queued key.
        await proc.stop(3000);
        const late = await proc.nextLine(0);
        if (late.kind === "line") {
          throw new Error("etcdctl got the lock as the wait was given up; killed it while holding");
        }
        return fail(got.kind === "aborted" ? "stopped" : `not held after ${waitMs} ms`);
      },
      async write(counterKey, read) {
        const h = held!;
        const to = read.value + 1;
        const value = { from: read.value, to, readModRevision: read.modRevision, token: h.rev };
        if (guard === "none") {
          const res = await client.put(counterKey).value(String(to)).exec();
          return ok(value, res.header.revision);
        }
        // The key's name carries the session's lease: it exists exactly while this hold can last.
        const res = await client.if(h.key, "Create", ">", 0)
          .then(client.put(counterKey).value(String(to)))
          .commit();
        return res.succeeded ? ok(value, res.header.revision) : fail(
          "fenced: ETCD_LOCK_KEY is gone (the session's lease expired)",
          value,
          res.header.revision,
        );
      },
      release(): Promise<Outcome> {
        const h = held;
        held = undefined;
        if (!h) return Promise.resolve(fail("not holding"));
        return releaseHeld(h, releaseMs);
      },
      lease: () => held?.lease,
    };
  };
}

/** `sh -c HOLDER`, tied to etcdctl so it dies with it. */
function holderCommand(): string[] {
  const sh = ["sh", "-c", HOLDER];
  return hasSetpriv() ? ["setpriv", "--pdeathsig", "KILL", "--", ...sh] : sh;
}

function parseHeld(proc: Etcdctl, line: string): Held {
  const m = /^held (\d+) (\S+) (\d+)$/.exec(line);
  if (!m) {
    proc.kill();
    throw new Error(`unexpected output of etcdctl lock: ${JSON.stringify(line)}`);
  }
  return { proc, holderPid: Number(m[1]), key: m[2], rev: Number(m[3]), lease: leaseOfKey(m[2]) };
}

/** Ends CMD; etcdctl then unlocks (deletes its key) and exits 0, or says why not. */
async function releaseHeld(h: Held, releaseMs: number): Promise<Outcome> {
  if (h.proc.done) throw new Error(`etcdctl lock ended while holding: ${h.proc.stderrTail()}`);
  try {
    Deno.kill(h.holderPid, "SIGTERM");
  } catch { /* CMD already gone: etcdctl is unlocking */ }
  const status = await h.proc.waitExit(releaseMs);
  if (!status) {
    h.proc.kill();
    throw new Error(`etcdctl did not unlock within ${releaseMs} ms (killed)`);
  }
  if (status.code !== 0) {
    throw new Error(`etcdctl lock exited ${status.code} on unlock: ${h.proc.stderrTail()}`);
  }
  return ok({ token: h.rev });
}

let setprivKnown: boolean | undefined;
function hasSetpriv(): boolean {
  if (setprivKnown === undefined) {
    try {
      setprivKnown = new Deno.Command("setpriv", {
        args: ["--version"],
        stdout: "null",
        stderr: "null",
      }).outputSync().success;
    } catch {
      setprivKnown = false;
    }
  }
  return setprivKnown;
}

/**
 * `etcdctl lock` as a script user runs it: the critical section's write is
 * not guarded (the lock alone is trusted).
 */
export const etcdctlLock: LockSubjectFactory = etcdctlLockSubject("none");

/**
 * `etcdctl lock` with the write fenced: a transaction applied only while
 * `ETCD_LOCK_KEY` still exists (what Go's `Mutex.IsOwner()` compares),
 * `ETCD_LOCK_REV` recorded as the token.
 */
export const etcdctlFencedLock: LockSubjectFactory = etcdctlLockSubject("lock-key");
