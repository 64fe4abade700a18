import type { Etcd3 } from "etcd3";
import type { Session } from "../../lib/recipes/session.ts";
import { atomic, countOp } from "../../lib/recipes/atomic.ts";
import { waitChange } from "./wait_change.ts";

/** Gives the caller's live session; `stale` says that one's lease is gone (open a new one). */
export type SessionSource = (stale?: Session) => Promise<Session>;

/** Where a participant passed: the revision of the look that let it through. */
export interface BarrierPass {
  revision: number;
  /** Enter only: the revision at which the round became ready. */
  readyRevision?: number;
}

/** The signal aborted while waiting. */
export class BarrierStoppedError extends Error {
  override name = "BarrierStoppedError";
}

/**
 * A double barrier for `count` participants, round by round, like etcd's Go
 * recipe: each participant puts a key with its session's lease under
 * `<prefix><round>/w/`; the one that sees `count` keys puts `<round>/ready`,
 * and everyone enters once `ready` exists, so nobody enters before all have,
 * and a late look can never miss the moment (ready stays). Leave deletes the
 * own key and waits until no key of the round is left.
 *
 * Documented behaviour when a participant dies: inside the barrier (after
 * ready) its key goes with its lease, so the others' leave waits at most for
 * the lease to expire (TTL); before the round is full the others wait for it
 * (or its restart) to enter. A participant whose lease expired while it
 * waited to enter puts its key again with a new session.
 */
export class DoubleBarrier {
  #client: Etcd3;
  #prefix: string;
  readonly count: number;

  constructor(client: Etcd3, prefix: string, count: number) {
    this.#client = client;
    this.#prefix = prefix;
    this.count = count;
  }

  /** The keys of one round live below this. */
  roundPrefix(round: number): string {
    return `${this.#prefix}${roundName(round)}/`;
  }

  /**
   * Enters round `round` as participant `id` (one key per participant, so a
   * restarted participant replaces its old key); resolves once the round is
   * ready. `waitMs` bounds each wait for a change before looking again.
   */
  async enter(
    round: number,
    id: string,
    value: string,
    session: SessionSource,
    signal: AbortSignal,
    waitMs: number,
  ): Promise<BarrierPass> {
    const c = this.#client;
    const r = this.roundPrefix(round);
    const own = `${r}w/${id}`, ready = `${r}ready`;
    let s: Session | undefined;
    let putWith: string | undefined;
    while (!signal.aborted) {
      s = await session(s?.lost ? s : undefined);
      if (putWith !== s.id) {
        try {
          await c.put(own).value(value).lease(s.id).exec();
          putWith = s.id;
        } catch (e) {
          if (!String(e).includes("lease not found")) throw e;
          s.lost = true; // expired while we looked away: a new session next round
          continue;
        }
      }
      // One look at one revision: is the round ready, how many are in, is our key still there.
      const look = await atomic(c, c.get(ready), await countOp(c, `${r}w/`), c.get(own));
      const at = Number(look.header.revision);
      const [readyKv] = look.responses[0].response_range.kvs;
      if (readyKv) return { revision: at, readyRevision: Number(readyKv.create_revision) };
      if (look.responses[2].response_range.kvs.length === 0) {
        putWith = undefined; // our key went with our lease: enter again
        s.lost = true;
        continue;
      }
      if (Number(look.responses[1].response_range.count) >= this.count) {
        const put = await c.if(ready, "Create", "==", 0)
          .then(c.put(ready).value(`${id}@${at}`))
          .else(c.get(ready))
          .commit();
        const readyRevision = put.succeeded
          ? Number(put.header.revision)
          : Number(put.responses[0].response_range.kvs[0].create_revision);
        return { revision: Number(put.header.revision), readyRevision };
      }
      await waitChange(c, r, at + 1, signal, waitMs);
    }
    throw new BarrierStoppedError(`stopped while entering round ${round}`);
  }

  /** Leaves round `round`: deletes the own key, resolves once no participant's key is left. */
  async leave(
    round: number,
    id: string,
    signal: AbortSignal,
    waitMs: number,
  ): Promise<BarrierPass> {
    const c = this.#client;
    const r = this.roundPrefix(round);
    await c.delete().key(`${r}w/${id}`).exec();
    while (!signal.aborted) {
      const look = await atomic(c, await countOp(c, `${r}w/`));
      const at = Number(look.header.revision);
      if (Number(look.responses[0].response_range.count) === 0) return { revision: at };
      await waitChange(c, `${r}w/`, at + 1, signal, waitMs);
    }
    throw new BarrierStoppedError(`stopped while leaving round ${round}`);
  }
}

/** A round's name below the barrier prefix: zero-padded, so rounds sort in order. */
export function roundName(round: number): string {
  return String(round).padStart(6, "0");
}
