import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { listedAt, opRef, parseBalancing } from "./calls.ts";
import type { BalancingFinal, BalancingOps } from "./calls.ts";
import type { KeyTimeline } from "../../../lib/history/key_log.ts";
import { atRevisionVerdict, MAX_AT_REVISION_EVIDENCE } from "../../../lib/checks/at_revision.ts";

/**
 * Every resolver list judged at its own revision: a client's balancer list
 * recorded as reflecting etcd revision r must hold exactly the addresses
 * etcd's registry listed at r. A missing address names the put the resolver
 * lacks; an extra one the delete. Lists at revisions the registry log does
 * not cover are not judged.
 */
export function listsAtRevisionChecker(opts: { ops?: BalancingOps } = {}): BuiltinChecker {
  return {
    name: "lists-at-revision",
    description: "every resolver list equals etcd's registry at the revision it reflects",
    check({ history, final }) {
      const h = parseBalancing(history, final, opts.ops);
      const tl = h.timeline;
      if (!tl) {
        return {
          valid: "unknown",
          judged: 0,
          summary: `etcd's registry log could not be read: ${
            (final as BalancingFinal)?.error ?? "no final read"
          }`,
        };
      }
      const evidence: unknown[] = [];
      let judged = 0, wrong = 0;
      const seen = new Set<string>();
      for (const c of h.clients) {
        for (const v of c.views) {
          const etcd = listedAt(tl, v.revision);
          if (!etcd) continue;
          judged++;
          const missing = [...etcd].filter((a) => !v.addrs.has(a));
          const extra = [...v.addrs].filter((a) => !etcd.has(a));
          if (missing.length + extra.length === 0) continue;
          wrong++;
          const lacks = [
            ...missing.map((a) => ({
              addr: a,
              lacks: { type: "put", revision: putAt(tl, a, v.revision) },
            })),
            ...extra.map((a) => ({
              addr: a,
              lacks: { type: "delete", revision: deleteAt(tl, a, v.revision) },
            })),
          ];
          const fresh = lacks.filter((d) =>
            !seen.has(`${c.node}#${c.incarnation} ${d.addr} ${d.lacks.revision}`)
          );
          for (const d of fresh) {
            seen.add(`${c.node}#${c.incarnation} ${d.addr} ${d.lacks.revision}`);
          }
          if (fresh.length === 0 || evidence.length >= MAX_AT_REVISION_EVIDENCE) continue;
          evidence.push({
            violation: missing.length > 0
              ? "resolver list lacks an address etcd listed at its revision"
              : "resolver list holds an address etcd had removed by its revision",
            revision: v.revision,
            client: `${c.node}#${c.incarnation}`,
            list: { addrs: [...v.addrs], ...opRef(v.op) },
            etcd: [...etcd],
            differences: fresh,
          });
        }
      }
      let first: string | undefined;
      if (evidence.length > 0) {
        const e = evidence[0] as {
          client: string;
          revision: number;
          differences: { addr: string; lacks: { type: string; revision?: number } }[];
        };
        const d = e.differences[0];
        first =
          `${e.client} at revision ${e.revision} lacks the ${d.lacks.type} of ${d.addr} at revision ${
            d.lacks.revision ?? "?"
          }`;
      }
      return atRevisionVerdict({
        judged,
        wrong,
        evidence,
        first,
        what: "resolver lists",
        figures: {
          lists: h.clients.reduce((n, c) => n + c.views.length, 0),
          judged,
          wrongLists: wrong,
        },
        valid: `${judged} resolver lists, each equal to etcd's registry at its revision`,
      });
    },
  };
}

/** The revision at which `addr` was last put (listed) at or before `r`. */
function putAt(tl: KeyTimeline, addr: string, r: number): number | undefined {
  const s = tl.at(r);
  return s ? [...s.values()].find((kv) => kv.value === addr)?.modRevision : undefined;
}

/** The revision at which `addr` last left etcd's listing at or before `r`. */
function deleteAt(tl: KeyTimeline, addr: string, r: number): number | undefined {
  let last: number | undefined;
  let listed = false;
  for (let i = 0; i < tl.revisions.length && tl.revisions[i] <= r; i++) {
    const has = [...tl.states[i].values()].some((kv) => kv.value === addr);
    if (listed && !has) last = tl.revisions[i];
    listed = has;
  }
  return last;
}
