import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { operations } from "../../../lib/history/event.ts";
import { censuses, finalCensus } from "../../../lib/checks/census.ts";
import { lifetimes } from "../../../lib/checks/lifetimes.ts";
import type { RegisterValue, RegistryNames } from "../../../lib/checks/registry_names.ts";
import { DISCOVERY_NAMES } from "../../../lib/checks/registry_names.ts";

/**
 * Lease hygiene: at the end (the final census, in the quiesce phase) etcd
 * holds no more leases than there are live services; a lease of a service
 * that died less than TTL + `slackMs` before is still allowed (it cannot
 * revoke it; it runs out). Every extra lease is a leak: a lease granted and
 * never revoked, which etcd keeps (and a registry pays for) until it
 * expires. Counts every lease in the cluster: run it on a cluster of its own.
 *
 * A keyless lease no acknowledged register named may come from a grant
 * whose answer was lost (etcd granted it; the register then failed or timed
 * out, so nobody could revoke it, and a leader change renews its TTL): up to
 * as many such leases as registers that did not end ok are excused, and
 * counted in the figures.
 *
 * A keyless lease that reads TTL 0 is running out: nobody keeps it alive and
 * etcd revokes it at its next expiry check. One such lease per live holder
 * is excused: the one a holder replaced or deregistered while etcd could not
 * take its revoke. It outlasts TTL + slack when a leader change renews it
 * (a new leader extends every lease by its TTL and an election timeout).
 */
export function leaseHygieneChecker(
  o: { names?: RegistryNames; slackMs?: number } = {},
): BuiltinChecker {
  const names = o.names ?? DISCOVERY_NAMES;
  const slack = o.slackMs ?? 1500;
  return {
    name: "lease-hygiene",
    description: "at the end, leases in etcd ≤ live services: no lease leak",
    check({ history, ttlMs }) {
      const lives = lifetimes(history);
      const census = finalCensus(history, lives, names);
      if (!census) {
        return {
          valid: "unknown",
          judged: 0,
          summary: "no census in the quiesce phase to count leases",
        };
      }
      const t = census.time;
      const services = lives.filter((l) => l.role === names.registrant);
      const liveHolders = new Set(
        services.filter((l) => l.start <= t && t < l.end).map((l) => `${l.node}#${l.incarnation}`),
      );
      const live = liveHolders.size;
      const dying = services.filter((l) => l.end <= t && l.end > t - ttlMs - slack).length;
      const leases = census.leases.filter((l) => l.ttl >= 0);
      const owner = new Map<string, string>();
      const registers = operations(history).filter((x) =>
        x.f === names.register && x.invoke.time <= t
      );
      for (const r of registers) {
        const lease = (r.complete?.value as RegisterValue | undefined)?.lease;
        if (lease) owner.set(lease, `${r.node}#${r.incarnation}`);
      }
      const orphans = leases.filter((l) => l.keys.length === 0);
      const unanswered = registers.filter((r) => r.outcome !== "ok").length;
      const unnamed = Math.min(unanswered, orphans.filter((l) => !owner.has(l.id)).length);
      const runningOut = new Set(
        orphans.filter((l) => l.ttl === 0).map((l) => owner.get(l.id))
          .filter((h): h is string => h !== undefined && liveHolders.has(h)),
      ).size;
      const excused = unnamed + runningOut;
      const figures = {
        leases: leases.length,
        liveServices: live,
        dyingServices: dying,
        orphanLeases: orphans.length,
        excusedOrphans: excused,
        runningOutOrphans: runningOut,
        maxLeases: Math.max(0, ...censuses(history, names.census).map((c) => c.leases.length)),
      };
      if (leases.length - excused > live + dying) {
        return {
          valid: false,
          judged: 1,
          summary:
            `lease leak: ${leases.length} leases in etcd for ${live} live service(s) (${orphans.length} hold no key)`,
          evidence: [
            { census: { node: census.node, time: Math.round(census.time) }, leases: leases.length },
            ...leases.map((l) => ({ ...l, grantedBy: owner.get(l.id) ?? null })),
          ],
          figures,
        };
      }
      // Judged: the one final census, lease by lease.
      return {
        valid: true,
        judged: 1,
        summary: `${leases.length} lease(s) for ${live} live service(s)` +
          (dying > 0 ? ` (+${dying} dying)` : "") +
          (unnamed > 0 ? ` (+${unnamed} keyless from registers whose answer was lost)` : "") +
          (runningOut > 0 ? ` (+${runningOut} keyless running out, TTL 0)` : ""),
        figures,
      };
    },
  };
}
