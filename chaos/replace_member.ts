import type { Fault } from "../lib/faults/fault.ts";
import { membersFree } from "./members_free.ts";
import {
  controlOf,
  currentLeader,
  HEAL_READY_MS,
  memberNames,
  membersBusy,
} from "./member_targets.ts";
import { waitServes } from "../lib/cluster/gateway.ts";
import { settleBackends } from "../lib/cluster/maintenance.ts";

/** How long the fresh member gets to catch up and serve linearizable reads. */
const JOIN_MS = 20_000;

/**
 * Replace a member as an operator replaces a dead machine: the member dies
 * (SIGKILL), is removed through the cluster API (member remove), and after
 * the hold a fresh one with an empty data dir is added (member add) and
 * started with `--initial-cluster-state existing`; it catches up from the
 * leader. The target is the leader or a follower, drawn from the seed. The
 * new member keeps the old one's name, client URL and peer URL, so the
 * nodes' proxies reach it unchanged. Quorum holds throughout (3 → 2 alive
 * of 3 → 2 of 2 → 2 of 3 → 3 of 3); a cluster of fewer than 3 members has
 * no member to spare and skips it. Start detail: the member, its role, the
 * removed id and the steps; stop detail: the added id and the steps. A
 * fresh member replays the whole log into its backend, which after
 * `nospace` ends larger than the quota and raises NOSPACE at its next
 * write: the heal then defragments it (and disarms), as an operator would,
 * and records that step too.
 */
export const replaceMember: Fault = {
  name: "replace-member",
  description:
    "kill a member (leader or follower), remove it, add a fresh one on an empty data dir after 0.5–1.5 × TTL",
  side: "member",
  holdMs: (ttl) => [0.5 * ttl, 1.5 * ttl],
  async start(world, random) {
    if (!await membersFree(world)) return undefined;
    const names = memberNames(world);
    if (names.length < 3) return undefined;
    const control = controlOf(world);
    const wantLeader = random() < 0.5;
    const leader = await currentLeader(world);
    if (membersBusy(world)) return undefined; // another member fault started while we looked
    const pool = wantLeader && leader ? [leader] : names.filter((n) => n !== leader);
    const member = pool[Math.floor(random() * pool.length)];
    world.busyMembers.add(member);
    const release = () => {
      world.busyMembers.delete(member);
    };
    const url = world.cluster.members.find((m) => m.name === member)!.clientUrl;
    const at = world.now();
    const steps: { step: string; at: number }[] = [];
    let removedId: string;
    try {
      await control.kill(member);
      steps.push({ step: "killed (the machine is dead)", at });
      removedId = await control.remove(member);
      steps.push({ step: "member remove; data dir wiped", at: world.now() });
    } catch (e) {
      await control.restart(member).catch(() => {});
      release();
      throw e;
    }
    return {
      at,
      targets: [member],
      detail: { member, role: member === leader ? "leader" : "follower", removedId, steps },
      heal: async () => {
        try {
          const healSteps: { step: string; at: number }[] = [];
          const addedId = await control.addBack(member);
          healSteps.push({
            step: "member add; started on an empty data dir, --initial-cluster-state existing",
            at: world.now(),
          });
          await waitServes(url, JOIN_MS);
          healSteps.push({ step: "serving", at: world.now() });
          await world.cluster.waitReady(HEAL_READY_MS);
          // Replaying the log into an empty backend can cross a small quota (after nospace).
          const settled = await settleBackends(world.cluster, world.now);
          if (settled) healSteps.push(settled as { step: string; at: number });
          return { member, addedId, steps: healSteps };
        } finally {
          release();
        }
      },
    };
  },
};
