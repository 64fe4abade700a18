import type { Cluster } from "../cluster/cluster.ts";
import { waitConverged } from "../cluster/converged.ts";
import { named } from "../checks/checker.ts";
import type { NamedResult } from "../checks/checker.ts";

/**
 * After every fault healed, the members must be whole again: serving, one
 * leader, equal revision and KV hash (etcd's own functional tests check the
 * same). If they are not, the checkers judged a history whose ending is in
 * doubt: the run is `unknown`, with what each member reported.
 */
export async function convergenceCheck(cluster: Cluster, timeoutMs: number): Promise<NamedResult> {
  const name = "cluster-converged";
  if (!cluster.control) {
    // An operator's cluster (--cluster external): no member fault touched it, and its
    // other clients may keep writing, so members need not agree at one moment.
    return named(name, true, {
      valid: "unknown",
      applies: false,
      judged: 0,
      summary: `does not apply: a ${cluster.kind} cluster had no member fault to heal`,
    });
  }
  try {
    const c = await waitConverged(cluster, timeoutMs);
    const leader = (await cluster.leader()) ?? c.leader;
    return named(name, true, {
      valid: true,
      judged: cluster.members.length,
      summary:
        `members agree after heal: revision ${c.revision}, hash ${c.hash}, leader ${leader} (${
          Math.round(c.waitedMs)
        } ms)`,
      figures: { waitedMs: Math.round(c.waitedMs), revision: c.revision },
    });
  } catch (e) {
    return named(name, true, {
      valid: "unknown",
      judged: 0,
      summary: `members did not converge within ${timeoutMs} ms after heal: ${
        e instanceof Error ? e.message : e
      }`,
    });
  }
}
