/**
 * etcd's record of a run's keys, kept across compactions. A compaction takes
 * the revisions before it from etcd, and with them what the checkers judge:
 * every view, list or state a node reported before it. So before a fault
 * compacts (`compact`, and the NOSPACE heal), the runner reads etcd's
 * record of the run's keys while it is still there ({@link KeyArchive.keep});
 * a later {@link readKeyLog} on the same client then starts where the archive
 * does, the archived part joined to what etcd still holds where the two
 * agree at the revision they meet (else etcd's part alone, as before).
 */
import type { Etcd3 } from "etcd3";
import { extendLogsOf, KeyTimeline, readKeyLog } from "./key_log.ts";
import type { KeyLog, KeyState } from "./key_log.ts";

export class KeyArchive {
  #record: KeyLog | undefined;

  /** Keeps the record of every key below `prefix` (the run's) that `client` reads later. */
  constructor(readonly client: Etcd3, readonly prefix: string) {
    extendLogsOf(client, (log) => this.#extend(log));
  }

  /**
   * Reads and keeps etcd's record of the run's keys now, and returns the
   * revision it ends at: compact to that one (it stays readable), and the
   * record and what etcd keeps meet there. `writesRefused` (NOSPACE): only
   * after a keep while writes were allowed, whose end marker it deletes.
   */
  async keep(o: { writesRefused?: boolean; timeoutMs?: number } = {}): Promise<number> {
    // readKeyLog extends what it reads with the record kept so far: one record, the whole run.
    // Its end marker stays, so a keep while NOSPACE refuses writes can delete it instead.
    this.#record = await readKeyLog(this.client, this.prefix, {
      timeoutMs: o.timeoutMs ?? 5000,
      leaveMarker: true,
      writesRefused: o.writesRefused,
    });
    return this.#record.to;
  }

  #extend(log: KeyLog): KeyLog {
    return this.#record ? joined(this.#record, log) : log;
  }
}

/**
 * `log` (of a prefix at or below `kept`'s), reaching back as far as `kept`
 * does where the two agree at the revision they meet; else `log` as it is.
 */
export function joined(kept: KeyLog, log: KeyLog): KeyLog {
  if (!log.prefix.startsWith(kept.prefix) || kept.from >= log.from) return log;
  if (kept.to < log.from) return log; // a gap between them: etcd's part alone
  const old = narrowed(kept, log.prefix.slice(kept.prefix.length));
  const meeting = new KeyTimeline(old).at(log.from)!;
  if (!sameState(meeting, log.initial)) return log;
  return {
    ...log,
    from: old.from,
    initial: old.initial,
    events: [...old.events.filter((e) => e.revision <= log.from), ...log.events],
  };
}

/** The part of `log` below its prefix + `rel`, keys relative to that. */
function narrowed(log: KeyLog, rel: string): KeyLog {
  const under = <T extends { key: string }>(xs: T[]) =>
    xs.filter((x) => x.key.startsWith(rel)).map((x) => ({ ...x, key: x.key.slice(rel.length) }));
  return {
    ...log,
    prefix: log.prefix + rel,
    initial: under(log.initial),
    events: under(log.events),
  };
}

function sameState(state: KeyState, kvs: KeyLog["initial"]): boolean {
  return state.size === kvs.length && kvs.every((kv) => {
    const s = state.get(kv.key);
    return s !== undefined && s.value === kv.value && s.modRevision === kv.modRevision;
  });
}
