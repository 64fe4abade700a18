import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import { finalCensus } from "../../../lib/checks/census.ts";
import { lifetimes } from "../../../lib/checks/lifetimes.ts";
import type { RegistryNames } from "../../../lib/checks/registry_names.ts";
import { DISCOVERY_NAMES, registerValue } from "../../../lib/checks/registry_names.ts";
import { describeView, views } from "../../../lib/checks/views.ts";

/**
 * After heal and quiesce, every view equals the set of live services and
 * what etcd holds. Judged at the final census (revision S, taken in the
 * quiesce phase): etcd's registry must hold exactly the keys of the live
 * service incarnations (a service that died less than TTL + `slackMs` before
 * may still be there: its lease is running out), and each reader's view as of
 * S (its last view at a revision ≤ S) must equal etcd's registry at S, key for
 * key and value for value.
 */
export function viewsConvergedChecker(
  o: { names?: RegistryNames; slackMs?: number } = {},
): BuiltinChecker {
  const names = o.names ?? DISCOVERY_NAMES;
  const slack = o.slackMs ?? 1500;
  return {
    name: "views-converged",
    description: "after heal and quiesce every view equals the live services and what etcd holds",
    check({ history, ttlMs }) {
      const lives = lifetimes(history);
      const census = finalCensus(history, lives, names);
      if (!census) {
        return {
          valid: "unknown",
          judged: 0,
          summary: "no census in the quiesce phase to judge convergence against",
        };
      }
      const t = census.time;
      const ops = operations(history);
      const registers = ops.filter((x) => x.f === names.register);
      const keyOf = (node: string, incarnation: number) =>
        (() => {
          const r = registers.filter((r) =>
            r.node === node && r.incarnation === incarnation && r.invoke.time <= t
          ).at(-1);
          return r ? registerValue(r)?.key : undefined;
        })();
      // A live service that deregistered on its own (churn) before the census is away: its key may
      // linger for TTL + slack (a lease runs out). etcd read the registry somewhere between the
      // census's invocation and t, so a register or deregister not acknowledged before the
      // invocation may be on either side of the read.
      const comings = ops.filter((x) => x.f === names.register || x.f === "deregister");
      const stance = (node: string, incarnation: number) => {
        const last = comings.filter((x) =>
          x.node === node && x.incarnation === incarnation && x.invoke.time <= t
        ).at(-1);
        if (!last) return "never";
        const doneBy = (time: number) => last.outcome === "ok" && last.complete!.time <= time;
        if (last.f !== names.register) {
          return doneBy(census.invoked - ttlMs - slack) ? "away" : "leaving";
        }
        return doneBy(census.invoked) ? "registered" : "registering";
      };
      const services = lives.filter((l) => l.role === names.registrant);
      const live = services.filter((l) => l.start <= t && t < l.end);
      const dying = services.filter((l) => l.end <= t && l.end > t - ttlMs - slack);
      const evidence: unknown[] = [];
      const liveKeys = new Set<string>();
      const eitherKeys = new Set<string>();
      for (const l of live) {
        const key = keyOf(l.node, l.incarnation);
        const now = stance(l.node, l.incarnation);
        if (key === undefined) {
          evidence.push({ violation: "live service never registered", node: l.node });
        } else if (now === "registered") liveKeys.add(key);
        else if (now !== "away") eitherKeys.add(key);
      }
      const dyingKeys = new Set(
        dying.map((l) => keyOf(l.node, l.incarnation)).filter((k) => k !== undefined),
      );
      for (const k of eitherKeys) dyingKeys.add(k);
      const held = Object.keys(census.services);
      for (const key of liveKeys) {
        if (!(key in census.services)) {
          evidence.push({ violation: "etcd lacks a live service", key, census: census.revision });
        }
      }
      for (const key of held) {
        if (!liveKeys.has(key) && !dyingKeys.has(key)) {
          evidence.push({ violation: "etcd holds a service that is not live", key });
        }
      }
      const all = views(history, names.view);
      const readers = lives.filter((l) => l.role === names.reader && l.start <= t && t < l.end);
      for (const r of readers) {
        const mine = all.filter((v) => v.node === r.node && v.incarnation === r.incarnation);
        const at = mine.filter((v) => v.revision <= census.revision).at(-1);
        if (!at) {
          evidence.push({
            violation: "no view at the census revision",
            node: r.node,
            census: census.revision,
          });
          continue;
        }
        const missing = held.filter((k) => !(k in at.services));
        const extra = Object.keys(at.services).filter((k) => !(k in census.services));
        const differing = held.filter((k) =>
          k in at.services && at.services[k] !== census.services[k]
        );
        if (missing.length + extra.length + differing.length > 0) {
          evidence.push({
            violation: "view differs from etcd",
            view: describeView(at),
            census: census.revision,
            censusAt: Math.round(census.time),
            readerStoppedAt: Math.round(r.end),
            missing,
            extra,
            differing,
          });
        }
      }
      const figures = {
        liveServices: live.length,
        etcdServices: held.length,
        readers: readers.length,
        censusRevision: census.revision,
      };
      const judged = readers.length + 1; // each reader's view, and etcd's registry itself
      if (evidence.length > 0) {
        const first = evidence[0] as { violation: string };
        return {
          valid: false,
          judged,
          summary:
            `${first.violation} (${evidence.length} finding(s) at revision ${census.revision})`,
          evidence,
          figures,
        };
      }
      return {
        valid: true,
        judged,
        summary:
          `${readers.length} view(s), ${live.length} live service(s) and etcd agree at revision ${census.revision}`,
        figures,
      };
    },
  };
}
