import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import type { RegistryNames } from "../../../lib/checks/registry_names.ts";
import { DISCOVERY_NAMES } from "../../../lib/checks/registry_names.ts";
import { describeView, views } from "../../../lib/checks/views.ts";
import type { View } from "../../../lib/checks/views.ts";

/**
 * Monotonic views: each reader process applies changes in revision order, so
 * the revisions of its successive views never go down (a reader that
 * re-reads or resumes a watch must not fall back to older state).
 */
export function monotonicViewsChecker(o: { names?: RegistryNames } = {}): BuiltinChecker {
  const names = o.names ?? DISCOVERY_NAMES;
  return {
    name: "monotonic-views",
    description: "views are never applied out of revision order",
    check({ history }) {
      const all = views(history, names.view);
      const last = new Map<string, View>();
      const evidence: unknown[] = [];
      for (const v of all) {
        const id = `${v.node}#${v.incarnation}`;
        const prev = last.get(id);
        if (prev && v.revision < prev.revision) {
          evidence.push({
            violation: "view went back in revision",
            before: describeView(prev),
            after: describeView(v),
          });
        }
        last.set(id, v);
      }
      const figures = { views: all.length, regressions: evidence.length };
      if (all.length === 0) {
        return { valid: "unknown", judged: 0, summary: "no view recorded", figures };
      }
      return evidence.length > 0
        ? {
          valid: false,
          judged: all.length,
          summary: `${evidence.length} view(s) went back in revision`,
          evidence,
          figures,
        }
        : {
          valid: true,
          judged: all.length,
          summary: `${all.length} views from ${last.size} reader process(es), in revision order`,
          figures,
        };
    },
  };
}
