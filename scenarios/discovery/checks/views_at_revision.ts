import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import type { KeyChange, KeyLog } from "../../../lib/history/key_log.ts";
import { KeyTimeline } from "../../../lib/history/key_log.ts";
import type { RegistryNames } from "../../../lib/checks/registry_names.ts";
import { DISCOVERY_NAMES } from "../../../lib/checks/registry_names.ts";
import { describeView, views } from "../../../lib/checks/views.ts";
import {
  atRevisionVerdict,
  MAX_AT_REVISION_EVIDENCE,
  noKeyLog,
} from "../../../lib/checks/at_revision.ts";
import type { View } from "../../../lib/checks/views.ts";

/** Options of {@link viewsAtRevisionChecker}. */
export interface ViewsAtRevisionOptions {
  names?: RegistryNames;
  /** etcd's record of the watched prefix, from the final reads (null or undefined: not read). */
  log(final: unknown): KeyLog | null | undefined;
}

/** One key a view has wrong, and the event of etcd's record it lacks. */
interface Difference {
  key: string;
  /** What etcd held at the view's revision (null: no such key). */
  etcd: string | null;
  /** What the view held (null: it lacked the key). */
  view: string | null;
  /** The event of etcd's record the view did not apply: the put or delete that made etcd's state. */
  lacks: { type: "put" | "delete"; revision: number } | null;
}

/**
 * Every view judged at its own revision: a reader that reports its view as
 * of revision r must hold exactly what etcd's record (the key log of the
 * prefix) held at r, key for key and value for value. A missing, extra or
 * stale entry is a violation that names the revision and the event the
 * reader lacks (the put it never applied, or the delete). Views at
 * revisions the record does not cover (compacted before it was read) are
 * not judged. This catches a discoverer that silently misses a watch event
 * at the first view after it, long before a later event hides the loss.
 */
export function viewsAtRevisionChecker(o: ViewsAtRevisionOptions): BuiltinChecker {
  const names = o.names ?? DISCOVERY_NAMES;
  return {
    name: "views-at-revision",
    description: "every view equals etcd's record at the revision it claims",
    check({ history, final }) {
      const log = o.log(final);
      if (!log) return noKeyLog("the prefix");
      const timeline = new KeyTimeline(log);
      const full = (rel: string) => log.prefix + rel;
      const lastEvent = (rel: string, r: number) => timeline.lastChange(rel, r);
      const all = views(history, names.view);
      const evidence: unknown[] = [];
      const reported = new Set<string>();
      let judged = 0, wrong = 0;
      for (const v of all) {
        const state = timeline.at(v.revision);
        if (!state) continue;
        judged++;
        const diffs = differences(v, state, full, lastEvent, log.prefix);
        if (diffs.length === 0) continue;
        wrong++;
        // One finding per reader process and lacked event: a lost event stays lost in later views.
        const fresh = diffs.filter((d) =>
          !reported.has(`${v.node}#${v.incarnation} ${d.key} ${d.lacks?.revision}`)
        );
        for (const d of fresh) {
          reported.add(`${v.node}#${v.incarnation} ${d.key} ${d.lacks?.revision}`);
        }
        if (fresh.length === 0 || evidence.length >= MAX_AT_REVISION_EVIDENCE) continue;
        const first = fresh[0];
        evidence.push({
          violation: first.view === null
            ? "view lacks a key etcd held at its revision"
            : first.etcd === null
            ? "view holds a key etcd had deleted by its revision"
            : "view holds a stale value",
          revision: v.revision,
          view: describeView(v),
          report: { node: v.node, time: Math.round(v.time) },
          differences: fresh,
        });
      }
      // The first finding in words: who, at which revision, lacking which event.
      let first: string | undefined;
      if (evidence.length > 0) {
        const e = evidence[0] as {
          revision: number;
          view: { node: string };
          differences: Difference[];
        };
        const d = e.differences[0];
        const lacks = d.lacks
          ? `the ${d.lacks.type} of ${d.key} at revision ${d.lacks.revision}`
          : d.key;
        first = `${e.view.node} at revision ${e.revision} lacks ${lacks}`;
      }
      return atRevisionVerdict({
        judged,
        wrong,
        evidence,
        first,
        what: "views",
        figures: { views: all.length, judged, wrongViews: wrong },
        valid: `${judged} views, each equal to etcd's record at its revision`,
      });
    },
  };
}

function differences(
  v: View,
  state: ReadonlyMap<string, { value: string; modRevision: number }>,
  full: (rel: string) => string,
  lastEvent: (rel: string, r: number) => KeyChange | undefined,
  prefix: string,
): Difference[] {
  const out: Difference[] = [];
  const etcdKeys = new Set<string>();
  for (const [rel, kv] of state) {
    const key = full(rel);
    etcdKeys.add(key);
    const has = v.services[key];
    if (has === kv.value) continue;
    out.push({
      key,
      etcd: kv.value,
      view: has ?? null,
      lacks: { type: "put", revision: kv.modRevision },
    });
  }
  for (const [key, value] of Object.entries(v.services)) {
    if (etcdKeys.has(key)) continue;
    const e = key.startsWith(prefix) ? lastEvent(key.slice(prefix.length), v.revision) : undefined;
    out.push({
      key,
      etcd: null,
      view: value,
      lacks: e?.type === "delete" ? { type: "delete", revision: e.revision } : null,
    });
  }
  return out;
}
