import type { Fault } from "../lib/faults/fault.ts";
import { membersFree } from "./members_free.ts";
import { pickMember } from "./member_targets.ts";
import { backendSize, defragment } from "../lib/cluster/maintenance.ts";

/** How long a defragmentation may take before it is recorded as failed. */
const DEFRAG_MS = 10_000;

/**
 * Defragment one member's backend while the workload runs: etcd rewrites
 * the member's database file and the member answers nothing meanwhile. It
 * acts only through the maintenance API (no member control), so it can run
 * on an external cluster, but only with `--allow-disruptive`. It claims the
 * member side while it runs (a stalled member plus another member fault
 * could leave no quorum); its window lasts as long as the defragmentation.
 */
export const defrag: Fault = {
  name: "defrag",
  description:
    "defragment one member's backend while the workload runs (it stalls until done); nothing to heal",
  side: "member",
  apiOnly: true,
  holdMs: () => [0, 0],
  async start(world, random, aim) {
    if (!await membersFree(world)) return undefined;
    const member = pickMember(world, random, aim);
    world.busyMembers.add(member);
    const release = () => {
      world.busyMembers.delete(member);
    };
    const detail: Record<string, unknown> = { member };
    let at: number;
    try {
      detail.dbSizeBefore = (await backendSize(world.cluster, member)).dbSize;
      at = world.now();
      const started = performance.now();
      try {
        await defragment(world.cluster, member, DEFRAG_MS);
        detail.defragmented = true;
      } catch (e) {
        detail.defragmented = false;
        detail.error = (e instanceof Error ? e.message : String(e)).split("\n")[0];
      }
      detail.tookMs = Math.round(performance.now() - started);
      detail.dbSizeAfter = await backendSize(world.cluster, member).then((s) => s.dbSize)
        .catch(() => undefined);
    } catch {
      release(); // the member does not answer now: nothing to defragment
      return undefined;
    }
    return { at, targets: [member], detail, heal: () => Promise.resolve(release()) };
  },
};
