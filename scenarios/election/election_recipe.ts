import type { Etcd3 } from "etcd3";
import type { Session } from "../../lib/recipes/session.ts";
import { waitDelete } from "../../lib/recipes/wait_delete.ts";
import type { ViewEntry } from "../../lib/recipes/prefix_view.ts";

/** Won leadership: the candidate's key and its create revision, the fencing token. */
export interface Leadership {
  key: string;
  token: number;
  /** The revision at which etcd showed this key first in line. */
  revision: number;
}

/** The candidate's key vanished (its lease expired or was revoked) before it led. */
export class CampaignLostError extends Error {
  override name = "CampaignLostError";
}

/** The signal aborted while campaigning. */
export class CampaignStoppedError extends Error {
  override name = "CampaignStoppedError";
}

/**
 * Leader election like etcd's Go concurrency Election: each candidate puts a
 * key under the prefix with its session's lease; the key with the lowest
 * create revision leads. A candidate waits (through a watch) for the key just
 * before its own to go, then looks again at one revision, so it never
 * believes it leads while its own key is gone. The create revision is the
 * fencing token: leader-only writes and resign are guarded by it, so a
 * deposed leader (paused past its TTL) cannot act.
 */
export class Election {
  #client: Etcd3;
  #prefix: string;

  constructor(client: Etcd3, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
  }

  /** Campaigns with `value` until leading; `waitMs` bounds each wait before looking again. */
  async campaign(
    session: Session,
    value: string,
    signal: AbortSignal,
    waitMs: number,
  ): Promise<Leadership> {
    const c = this.#client;
    const key = `${this.#prefix}${session.id}`;
    const res = await c.if(key, "Create", "==", 0)
      .then(c.put(key).value(value).lease(session.id))
      .else(c.get(key))
      .commit();
    const token = res.succeeded
      ? Number(res.header.revision)
      : Number(res.responses[0].response_range.kvs[0].create_revision);
    while (!signal.aborted) {
      const line = await c.getAll().prefix(this.#prefix).sort("Create", "Ascend").exec();
      const at = Number(line.header.revision);
      const i = line.kvs.findIndex((kv) => kv.key.toString() === key);
      if (i < 0 || Number(line.kvs[i].create_revision) !== token) {
        throw new CampaignLostError(`candidate key ${key} is gone: its lease expired`);
      }
      if (i === 0) return { key, token, revision: at };
      await waitDelete(c, line.kvs[i - 1].key, at + 1, signal, waitMs);
    }
    throw new CampaignStoppedError("stopped while campaigning");
  }

  /** Gives up leadership: deletes the key only if it is still ours (same create revision). */
  async resign(l: Leadership): Promise<{ resigned: boolean; revision: number }> {
    const res = await this.#client.if(l.key, "Create", "==", l.token)
      .then(this.#client.delete().key(l.key))
      .commit();
    return { resigned: res.succeeded, revision: Number(res.header.revision) };
  }
}

/** The leader among an election prefix's keys: the one created first (undefined: none). */
export function leaderOf(
  keys: ReadonlyMap<string, ViewEntry>,
): { key: string; entry: ViewEntry } | undefined {
  let first: { key: string; entry: ViewEntry } | undefined;
  for (const [key, entry] of keys) {
    if (!first || entry.createRevision < first.entry.createRevision) first = { key, entry };
  }
  return first;
}
