import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import type { KeyChange, KeyLog, LoggedKv } from "../../../lib/history/key_log.ts";
import { KeyTimeline } from "../../../lib/history/key_log.ts";
import {
  atRevisionVerdict,
  MAX_AT_REVISION_EVIDENCE,
  noKeyLog,
} from "../../../lib/checks/at_revision.ts";

/** Options of {@link progressAtRevisionChecker}. */
export interface ProgressAtRevisionOptions {
  /** Operation name of an observation: ok value the state seen, revision the key's mod revision. */
  observe: string;
  /** The key (relative to the log's prefix) whose state an observed value is. */
  key(value: unknown): string;
  /** etcd's value of that key as a state (null: not one). */
  parse(value: string): unknown;
  /** Whether two states are the same. */
  same(a: unknown, b: unknown): boolean;
  /** How far along a state is: tells an observation ahead of etcd from one behind. */
  rank(value: unknown): number;
  /** etcd's record of the keys, from the final reads (null or undefined: not read). */
  log(final: unknown): KeyLog | null | undefined;
  /** Words for one state in summaries, e.g. "job 2 at 40%". */
  describe?(value: unknown): string;
}

/**
 * Every state a watcher reports as seen at revision r is judged against
 * etcd's record there: the key must have been put at exactly r with exactly
 * that state (the revision it reports is the key's mod revision). A state
 * ahead of etcd's names the later put it anticipates (an event the watcher
 * has that etcd had not made yet); one behind names the put the watcher
 * lacks; the right state at the wrong revision names the put that really
 * made it. Observations the record cannot tell about (a compaction before
 * it was read took the revision, and the key changed after it) are not
 * judged; a key's state that outlived the compaction still is.
 */
export function progressAtRevisionChecker(o: ProgressAtRevisionOptions): BuiltinChecker {
  const words = o.describe ?? ((v: unknown) => JSON.stringify(v));
  return {
    name: "progress-at-revision",
    description: "every state a watcher observes is the one etcd put at the revision it names",
    check({ history, final }) {
      const log = o.log(final);
      if (!log) return noKeyLog("the watched keys");
      const tl = new KeyTimeline(log);
      const evidence: unknown[] = [];
      let observations = 0, judged = 0, wrong = 0;
      let first: string | undefined;
      for (const x of operations(history)) {
        if (x.f !== o.observe || x.outcome !== "ok") continue;
        observations++;
        const r = x.complete!.revision;
        const seen = x.complete!.value;
        if (r === undefined) continue;
        const key = o.key(seen);
        const known = tl.keyAt(key, r);
        if (!known) continue;
        judged++;
        const kv = known.kv;
        const held = kv ? o.parse(kv.value) : null;
        const found = judge(tl, key, r, seen, kv, held, o);
        if (!found) continue;
        wrong++;
        const who = `${x.node}#${x.incarnation}`;
        first ??= `${who} saw ${words(seen)} at revision ${r}, ${found.violation}${
          found.event ? ` (the ${found.event.type} at revision ${found.event.revision})` : ""
        }`;
        if (evidence.length >= MAX_AT_REVISION_EVIDENCE) continue;
        evidence.push({
          ...found,
          watcher: who,
          key: log.prefix + key,
          revision: r,
          observed: seen,
          etcd: kv ? { state: held, modRevision: kv.modRevision } : null,
          events: [x.invoke, x.complete],
        });
      }
      return atRevisionVerdict({
        judged,
        wrong,
        evidence,
        first,
        what: "observations",
        figures: { observations, judged, wrongObservations: wrong },
        valid: `${judged} observations, each the state etcd put at its revision`,
      });
    },
  };
}

/** What is wrong with one observation, and the event of etcd's record that shows it. */
interface Finding {
  violation: string;
  /** The put or delete of etcd's record the observation contradicts (null: none in the record). */
  event: KeyChange | null;
}

function judge(
  tl: KeyTimeline,
  key: string,
  r: number,
  seen: unknown,
  kv: LoggedKv | undefined,
  held: unknown,
  o: ProgressAtRevisionOptions,
): Finding | undefined {
  const isSeen = (k: LoggedKv) => {
    const s = o.parse(k.value);
    return s !== null && o.same(s, seen);
  };
  const putOfSeen = () => tl.nextPut(key, r, isSeen) ?? null;
  if (!kv) {
    const gone = tl.lastChange(key, r);
    return gone?.type === "delete"
      ? { violation: "etcd had deleted the key by then", event: gone }
      : {
        violation: "etcd held no such key then; it put this state only later",
        event: putOfSeen(),
      };
  }
  const same = held !== null && o.same(held, seen);
  if (same && kv.modRevision === r) return undefined;
  if (same) {
    return {
      violation: "etcd put this state at another revision, not at the one reported",
      event: { type: "put", revision: kv.modRevision },
    };
  }
  if (held !== null && o.rank(seen) < o.rank(held)) {
    return {
      violation: "behind etcd: it lacks the put etcd held at that revision",
      event: { type: "put", revision: kv.modRevision },
    };
  }
  const ahead = held !== null && o.rank(seen) > o.rank(held);
  return {
    violation: ahead
      ? "ahead of etcd: a state etcd put only later, or never"
      : "a state etcd did not hold at that revision",
    event: putOfSeen(),
  };
}
