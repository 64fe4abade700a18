/**
 * Small steps the disaster drills (kill-quorum, kill-all, restore-snapshot,
 * lag-until-snapshot) share: a seeded order of members, a write probe, and
 * the cluster's highest revision.
 */
import type { World } from "./fault.ts";
import { memberClient } from "../lib/cluster/maintenance.ts";
import { memberStatus } from "../lib/cluster/gateway.ts";

/** The key the drills' own probes write (outside every run's prefix). */
export const PROBE_KEY = "etcd-drills/disaster-probe";
/** How long a probe write may take before it counts as refused. */
const PROBE_MS = 1500;

/** A seeded Fisher–Yates shuffle (a copy). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** What a write probe got: refused with etcd's error, or accepted at a revision. */
export type WriteProbe = { refused: true; error: string } | { refused: false; revision: number };

/**
 * One put through `member` alone, without retries, bounded by 1.5 s: what a
 * client of that member gets now. Never throws.
 */
export async function writeRefusal(world: World, member: string): Promise<WriteProbe> {
  const client = memberClient(world.cluster, member);
  try {
    const r = await client.put(PROBE_KEY).value(member).options({
      deadline: new Date(Date.now() + PROBE_MS),
    }).exec();
    return { refused: false, revision: Number(r.header.revision) };
  } catch (e) {
    return { refused: true, error: (e instanceof Error ? e.message : String(e)).split("\n")[0] };
  } finally {
    client.close();
  }
}

/**
 * The highest store revision any member reports now (Maintenance status,
 * which answers without a quorum); undefined when none answers.
 */
export async function highestRevision(world: World): Promise<number | undefined> {
  const revisions = await Promise.all(
    world.cluster.members.map((m) =>
      memberStatus(m.clientUrl, 1000).then((s) => s.revision, () => undefined)
    ),
  );
  const known = revisions.filter((r): r is number => r !== undefined);
  return known.length ? Math.max(...known) : undefined;
}
