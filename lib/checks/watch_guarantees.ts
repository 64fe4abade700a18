/**
 * The floor under every watching recipe: what each watch delivered (the
 * `watch` events a node records) judged against etcd's key log of the run,
 * as etcd's robustness suite judges watches. A violation names its guarantee.
 */
import type { BuiltinChecker, Checker, JudgedResult } from "./checker.ts";
import type { HistoryEvent, WatchedChange, WatchEvent } from "../history/event.ts";
import { KeyTimeline } from "../history/key_log.ts";
import type { KeyLog, LoggedEvent } from "../history/key_log.ts";

/** The guarantees a watch keeps; each is the kind of a violation. */
export type WatchGuarantee =
  | "ordered"
  | "unique"
  | "atomic"
  | "reliable"
  | "resumable"
  | "filtered"
  | "isCreate"
  | "prevKv"
  | "progress"
  | "logged";

/** One broken guarantee, with the watch and the revision it broke at. */
export interface WatchViolation {
  /** The guarantee broken (the report labels the entry with it). */
  violation: WatchGuarantee;
  /** The watch: node, incarnation and its id. */
  node: string;
  incarnation: number;
  watch: number;
  /** The revision at issue. */
  revision: number;
  /** The (full) key at issue, where one is. */
  key?: string;
  /** What went wrong, for a person. */
  detail: string;
  /** When the offending response arrived (ms since the run started), where one did. */
  time?: number;
}

/** The key log to judge against, or why there is none. */
export type WatchLogSource = KeyLog | { error: string };

/** The end marker readKeyLog writes below the prefix; no watch event on it is judged. */
const MARKER = "~key-log-end";

/** The most violations a result lists as evidence. */
const EVIDENCE_LIMIT = 30;

/**
 * Judges every recorded watch: ordered (revisions never go back), unique (no
 * event twice), atomic (a revision's events in one response), reliable (every
 * event of the watched range in the key log between the first and last
 * revision delivered was delivered), resumable (a watch started at r delivers
 * first the range's first event at or after r), filtered (keys inside the
 * range), isCreate (a put's create revision equals its mod revision iff its
 * version is 1), prevKv (the previous key-value is the one the log held),
 * progress (a progress notification at h: nothing at or below h arrives
 * later, nothing up to h is missing), logged (a delivered event is the log's
 * event at its revision). Judged: the watch responses checked. A run whose
 * subjects record no watch responses is n/a.
 */
export function watchGuaranteesChecker(source: WatchLogSource | undefined): BuiltinChecker {
  return {
    name: "watch-guarantees",
    description:
      "every recorded watch is ordered, unique, atomic, reliable, resumable and filtered, with isCreate, prevKv and progress notifications correct, against etcd's key log",
    check: ({ history }) => judgeWatches(history, source),
  };
}

/** Adds {@link watchGuaranteesChecker} to a scenario's checkers unless it has one already. */
export function withWatchGuarantees(
  checkers: readonly Checker[],
  source: WatchLogSource | undefined,
): Checker[] {
  if (checkers.some((c) => c.name === "watch-guarantees")) return [...checkers];
  return [...checkers, watchGuaranteesChecker(source)];
}

/** Whether the history holds any recorded watch response (the runner reads a key log only then). */
export function recordsWatches(history: readonly HistoryEvent[]): boolean {
  return history.some((e) => e.kind === "watch");
}

function judgeWatches(
  history: readonly HistoryEvent[],
  source: WatchLogSource | undefined,
): JudgedResult {
  const watches = new Map<string, WatchEvent[]>();
  for (const e of history) {
    if (e.kind !== "watch") continue;
    const id = `${e.node}#${e.incarnation}#${e.watch}`;
    const list = watches.get(id);
    if (list) list.push(e);
    else watches.set(id, [e]);
  }
  if (watches.size === 0) {
    return {
      valid: "unknown",
      applies: false,
      judged: 0,
      summary: "does not apply: no subject of this run recorded what its watches delivered",
    };
  }
  if (!source || "error" in source) {
    return {
      valid: "unknown",
      judged: 0,
      summary: `not judged: etcd's key log of the run could not be read (${
        source?.error ?? "not read"
      }); rerun, or read it by hand`,
    };
  }
  const log = new LogIndex(source);
  const violations: WatchViolation[] = [];
  let judged = 0, excused = 0;
  for (const responses of watches.values()) {
    const r = judgeWatch(responses, log);
    judged += r.judged;
    excused += r.excused;
    violations.push(...r.violations);
  }
  const figures = { watches: watches.size, responses: judged, excusedStarts: excused };
  if (violations.length > 0) {
    const kinds = [...new Set(violations.map((v) => v.violation))];
    return {
      valid: false,
      judged,
      summary: `${violations.length} broken watch guarantee(s) (${kinds.join(", ")}) in ${
        new Set(violations.map((v) => `${v.node}#${v.incarnation}#${v.watch}`)).size
      } of ${watches.size} watches; first: ${violations[0].detail}`,
      evidence: violations.slice(0, EVIDENCE_LIMIT),
      figures,
    };
  }
  return {
    valid: judged > 0 ? true : "unknown",
    judged,
    summary: judged > 0
      ? `${judged} responses of ${watches.size} watches kept every guarantee against the key log${
        excused > 0 ? ` (${excused} starts before the log's oldest revision not judged)` : ""
      }`
      : "no watch response to judge",
    figures,
  };
}

/** The key log, indexed by revision, with the state at every revision. */
class LogIndex {
  readonly prefix: string;
  readonly from: number;
  readonly to: number;
  readonly timeline: KeyTimeline;
  readonly byRevision = new Map<number, LoggedEvent[]>();
  readonly revisions: number[] = [];

  constructor(log: KeyLog) {
    this.prefix = log.prefix;
    this.from = log.from;
    this.to = log.to;
    this.timeline = new KeyTimeline(log);
    for (const e of log.events) {
      const list = this.byRevision.get(e.revision);
      if (list) list.push(e);
      else {
        this.byRevision.set(e.revision, [e]);
        this.revisions.push(e.revision);
      }
    }
  }

  /** Whether the log holds every event at revision `r`. */
  knows(r: number): boolean {
    return r > this.from && r <= this.to;
  }

  /** The log's key for a full key, or undefined when it lies outside the log's prefix. */
  rel(key: string): string | undefined {
    return key.startsWith(this.prefix) ? key.slice(this.prefix.length) : undefined;
  }

  /** The logged events of revisions in [a, b] that `inRange` accepts (full keys). */
  eventsIn(a: number, b: number, inRange: (key: string) => boolean): LoggedEvent[] {
    const out: LoggedEvent[] = [];
    for (const r of this.revisions) {
      if (r < a) continue;
      if (r > b) break;
      for (const e of this.byRevision.get(r)!) if (inRange(this.prefix + e.key)) out.push(e);
    }
    return out;
  }
}

interface WatchJudgement {
  judged: number;
  excused: number;
  violations: WatchViolation[];
}

function judgeWatch(responses: readonly WatchEvent[], log: LogIndex): WatchJudgement {
  const w = responses[0];
  const inRange = (key: string) =>
    (w.prefix ? key.startsWith(w.key) : key === w.key) && !key.endsWith(MARKER);
  const violations: WatchViolation[] = [];
  const flag = (
    kind: WatchGuarantee,
    revision: number,
    detail: string,
    at?: WatchEvent,
    key?: string,
  ) =>
    violations.push({
      violation: kind,
      node: w.node,
      incarnation: w.incarnation,
      watch: w.watch,
      revision,
      ...(key === undefined ? {} : { key }),
      detail: `watch ${w.watch} of ${w.node}#${w.incarnation} on ${w.key}${
        w.prefix ? "*" : ""
      }: ${detail}`,
      ...(at ? { time: at.time } : {}),
    });
  const seen = new Set<string>();
  const responseOf = new Map<number, number>(); // revision → index of the response that brought it
  let judged = 0, last = 0, first = Infinity;
  const progress: { header: number; last: number; at: WatchEvent }[] = [];
  let promised = 0; // the highest progress notification so far
  responses.forEach((res, i) => {
    judged++;
    if (res.progress) {
      progress.push({ header: res.header, last, at: res });
      promised = Math.max(promised, res.header);
      return;
    }
    for (const c of res.events) {
      if (c.key.endsWith(MARKER)) continue;
      const rev = c.modRevision;
      if (!inRange(c.key)) {
        flag("filtered", rev, `delivered ${c.key}, outside the range`, res, c.key);
      }
      const id = `${c.key}@${rev}`;
      if (seen.has(id)) {
        flag("unique", rev, `delivered ${c.key} at revision ${rev} twice`, res, c.key);
        continue;
      }
      seen.add(id);
      if (rev < last) {
        flag("ordered", rev, `revision ${rev} (${c.key}) after revision ${last}`, res, c.key);
      }
      if (rev <= promised) {
        flag(
          "progress",
          rev,
          `revision ${rev} (${c.key}) after a progress notification at ${promised}`,
          res,
          c.key,
        );
      }
      const earlier = responseOf.get(rev);
      if (earlier !== undefined && earlier !== i) {
        flag("atomic", rev, `revision ${rev}'s events came in two responses`, res, c.key);
      }
      responseOf.set(rev, i);
      last = Math.max(last, rev);
      first = Math.min(first, rev);
      judgeChange(c, res, log, flag);
    }
  });
  // Reliable: between the first and the last revision delivered, every event of the range came.
  if (first <= last) {
    const lo = Math.max(first, log.from + 1), hi = Math.min(last, log.to);
    for (const e of log.eventsIn(lo, hi, inRange)) {
      if (!seen.has(`${log.prefix}${e.key}@${e.revision}`)) {
        flag(
          "reliable",
          e.revision,
          `missed the ${e.type} of ${log.prefix}${e.key} at revision ${e.revision} (delivered ${first}..${last})`,
          undefined,
          log.prefix + e.key,
        );
      }
    }
  }
  // Progress: a notification at h promised every event of the range up to h.
  for (const p of progress) {
    const lo = Math.max(p.last + 1, w.start, log.from + 1);
    if (p.last === 0 && w.start === 0) continue; // from "now", nothing delivered: no floor to judge from
    // Every event of the range above the last one delivered before it, up to h, is one it skipped.
    const skipped = log.eventsIn(lo, Math.min(p.header, log.to), inRange)[0];
    if (skipped) {
      flag(
        "progress",
        skipped.revision,
        `a progress notification at ${p.header} came before the ${skipped.type} of ${log.prefix}${skipped.key} at revision ${skipped.revision}`,
        p.at,
        log.prefix + skipped.key,
      );
    }
  }
  // Resumable: a watch from r delivers the range's first event at or after r first.
  let excused = 0;
  if (w.start > 0 && first <= last) {
    if (first < w.start) {
      flag("resumable", first, `started at ${w.start} but delivered revision ${first}`);
    } else if (!log.knows(w.start)) {
      excused++;
    } else {
      const due = log.eventsIn(w.start, Math.min(first - 1, log.to), inRange);
      if (due.length > 0) {
        flag(
          "resumable",
          due[0].revision,
          `started at ${w.start} but its first event was at ${first}, not the ${
            due[0].type
          } of ${log.prefix}${due[0].key} at ${due[0].revision}`,
          undefined,
          log.prefix + due[0].key,
        );
      }
    }
  }
  return { judged, excused, violations };
}

type Flag = (
  kind: WatchGuarantee,
  revision: number,
  detail: string,
  at?: WatchEvent,
  key?: string,
) => void;

/** isCreate, prevKv and logged: one delivered change against itself and the log. */
function judgeChange(c: WatchedChange, res: WatchEvent, log: LogIndex, flag: Flag): void {
  const rev = c.modRevision;
  if (c.type === "put" && c.version > 0) {
    const created = c.createRevision === rev;
    if (created !== (c.version === 1)) {
      flag(
        "isCreate",
        rev,
        `put of ${c.key} at ${rev}: version ${c.version} with create revision ${c.createRevision}`,
        res,
        c.key,
      );
    }
  }
  const rel = log.rel(c.key);
  if (rel === undefined || !log.knows(rev)) return;
  const logged = log.byRevision.get(rev)?.find((e) => e.key === rel);
  const differs = !logged
    ? "no such event in etcd's log"
    : logged.type !== c.type
    ? `etcd logged a ${logged.type}`
    : c.type === "put" && logged.createRevision !== undefined &&
        logged.createRevision !== c.createRevision
    ? `etcd logged create revision ${logged.createRevision}, delivered ${c.createRevision}`
    : c.value !== undefined && logged.value !== undefined && logged.value !== c.value
    ? `etcd logged value ${JSON.stringify(logged.value)}, delivered ${JSON.stringify(c.value)}`
    : undefined;
  if (differs) flag("logged", rev, `${c.type} of ${c.key} at ${rev}: ${differs}`, res, c.key);
  if (c.prevKv && log.timeline.covers(rev - 1)) {
    const before = log.timeline.at(rev - 1)?.get(rel);
    const p = c.prevKv;
    const wrong = !before
      ? "the key did not exist before"
      : before.modRevision !== p.modRevision || before.createRevision !== p.createRevision
      ? `etcd held mod ${before.modRevision} create ${before.createRevision}, prevKv says mod ${p.modRevision} create ${p.createRevision}`
      : p.value !== undefined && before.value !== p.value
      ? `etcd held value ${JSON.stringify(before.value)}, prevKv says ${JSON.stringify(p.value)}`
      : undefined;
    if (wrong) flag("prevKv", rev, `prevKv of ${c.key} at ${rev}: ${wrong}`, res, c.key);
  }
}
