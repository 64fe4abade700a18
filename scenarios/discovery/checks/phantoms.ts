import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import type { RegistryNames } from "../../../lib/checks/registry_names.ts";
import { DISCOVERY_NAMES, registerValue } from "../../../lib/checks/registry_names.ts";
import { describeView, views } from "../../../lib/checks/views.ts";

/**
 * No phantoms: every entry of every view (key and value) was registered by
 * some service before the view was recorded (an attempted registration
 * counts: one of unknown outcome may have applied).
 */
export function phantomChecker(o: { names?: RegistryNames } = {}): BuiltinChecker {
  const names = o.names ?? DISCOVERY_NAMES;
  return {
    name: "no-phantoms",
    description: "a view never holds a service that never registered",
    check({ history }) {
      const registered = new Map<string, { value: string; time: number }[]>();
      for (const r of operations(history).filter((x) => x.f === names.register)) {
        const v = registerValue(r);
        if (!v) continue;
        const list = registered.get(v.key) ?? [];
        list.push({ value: v.value, time: r.invoke.time });
        registered.set(v.key, list);
      }
      const all = views(history, names.view);
      const evidence: unknown[] = [];
      const seen = new Set<string>();
      for (const v of all) {
        for (const [key, value] of Object.entries(v.services)) {
          const ok = (registered.get(key) ?? []).some((r) => r.value === value && r.time <= v.time);
          const id = `${v.node}#${v.incarnation} ${key}=${value}`;
          if (!ok && !seen.has(id)) {
            seen.add(id);
            evidence.push({ violation: "phantom", key, value, view: describeView(v) });
          }
        }
      }
      const figures = { views: all.length, phantoms: evidence.length };
      if (all.length === 0) {
        return { valid: "unknown", judged: 0, summary: "no view recorded", figures };
      }
      return evidence.length > 0
        ? {
          valid: false,
          judged: all.length,
          summary: `${evidence.length} phantom entr(y/ies): in a view, never registered`,
          evidence,
          figures,
        }
        : {
          valid: true,
          judged: all.length,
          summary: `${all.length} views, every entry registered`,
          figures,
        };
    },
  };
}
