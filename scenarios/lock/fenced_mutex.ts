import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import type { Session } from "../../lib/recipes/session.ts";
import { waitDelete } from "../../lib/recipes/wait_delete.ts";

/** The lock was lost while waiting for it (our key vanished: the lease expired or was revoked). */
export class LockLostError extends Error {
  /** The error's name, as messages show it. */
  override name = "LockLostError";
}

/** A held lock: its key and its fencing token (the key's create revision). */
export interface Hold {
  /** The lock key this holder put (prefix + its session's lease id in hex). */
  key: string;
  /** The fencing token: the lock key's create revision. */
  token: number;
}

/**
 * A blocking lock that queues by create revision, like etcd's Go Mutex:
 * each contender puts a key under the prefix with its session's lease, waits
 * (through a watch, no polling) for the key just before its own to go, then
 * re-reads its own key, since its lease may have expired meanwhile. The
 * fencing token lets the protected resource reject a deposed holder.
 */
export class FencedMutex {
  #client: Etcd3;
  #prefix: string;

  /** A mutex over the keys below `prefix`, through `client`. */
  constructor(client: Etcd3, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
  }

  /**
   * Queues for the lock with the session's lease and blocks until held;
   * `waitMs` bounds each wait on a watch before re-reading. Throws
   * LockLostError when the lease went while waiting, and an error when
   * `signal` aborts first.
   */
  async lock(session: Session, signal: AbortSignal, waitMs: number): Promise<Hold> {
    const c = this.#client;
    const key = `${this.#prefix}${session.hexId}`;
    const res = await c.if(key, "Create", "==", 0)
      .then(c.put(key).value("").lease(session.id))
      .else(c.get(key))
      .commit();
    const token = res.succeeded
      ? Number(res.header.revision)
      : Number(res.responses[0].response_range.kvs[0].create_revision);
    while (!signal.aborted) {
      const before = await c.getAll().prefix(this.#prefix).maxCreateRevision(String(token - 1))
        .sort("Create", "Descend").limit(1).exec();
      if (before.kvs.length === 0) break;
      await waitDelete(c, before.kvs[0].key, Number(before.header.revision) + 1, signal, waitMs);
    }
    if (signal.aborted) throw new Error("stopped while waiting for the lock");
    const own = await c.get(key).exec();
    if (own.kvs.length === 0 || Number(own.kvs[0].create_revision) !== token) {
      throw new LockLostError(`lock key ${key} is gone: its lease expired while waiting`);
    }
    return { key, token };
  }

  /** Releases the lock: deletes the hold's key. */
  async unlock(hold: Hold): Promise<void> {
    await this.#client.delete().key(hold.key).exec();
  }
}
