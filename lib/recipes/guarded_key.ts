import type { Etcd3 } from "etcd3";

/** A key's value and the mod revision it was read or written at (0: the key does not exist). */
export interface Guarded {
  value: string | null;
  modRevision: number;
}

/**
 * A key only its owner advances: every write is a transaction guarded on
 * the mod revision the owner last saw, so a write that arrives late (from a
 * timed-out call, or from a paused or dead incarnation) cannot move it back.
 * A write whose guard fails returns false: re-read and decide again.
 */
export class GuardedKey {
  readonly key: string;
  #client: Etcd3;
  #seen: Guarded = { value: null, modRevision: 0 };

  constructor(client: Etcd3, key: string) {
    this.#client = client;
    this.key = key;
  }

  /** What this owner last read or wrote. */
  get seen(): Guarded {
    return this.#seen;
  }

  /**
   * Reads the key (linearizable) and makes it the base of the next write;
   * `revision` is the store's revision at the read.
   */
  async read(): Promise<Guarded & { revision: number }> {
    const res = await this.#client.get(this.key).exec();
    const kv = res.kvs[0];
    this.#seen = kv
      ? { value: kv.value.toString(), modRevision: Number(kv.mod_revision) }
      : { value: null, modRevision: 0 };
    return { ...this.#seen, revision: Number(res.header.revision) };
  }

  /**
   * Writes `value` if the key is still as last seen (absent if never seen).
   * Returns whether it applied, and the revision it applied at.
   */
  async write(value: string): Promise<{ applied: boolean; revision: number }> {
    const c = this.#client;
    const guard = this.#seen.modRevision === 0
      ? c.if(this.key, "Create", "==", 0)
      : c.if(this.key, "Mod", "==", this.#seen.modRevision);
    const res = await guard.then(c.put(this.key).value(value)).commit();
    const revision = Number(res.header.revision);
    if (res.succeeded) this.#seen = { value, modRevision: revision };
    return { applied: res.succeeded, revision };
  }
}
