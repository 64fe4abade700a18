import type { Fault } from "../lib/faults/fault.ts";
import { membersFree } from "./members_free.ts";
import { controlOf, HEAL_READY_MS, memberNames } from "./member_targets.ts";
import { waitServes } from "../lib/cluster/gateway.ts";
import { settleBackends } from "../lib/cluster/maintenance.ts";

/** How long a member gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;
/** How long a restarted member gets to serve linearizable reads before the rollout stops. */
const SERVE_MS = 15_000;

/** One member's turn in the rollout, times on the history clock. */
interface Turn {
  member: string;
  wasLeader: boolean;
  stoppedAt: number;
  startedAt?: number;
  servingAt?: number;
  error?: string;
}

/**
 * Restart every member in turn, as an upgrade does: stop one (SIGTERM),
 * start it on its data dir, wait until it serves linearizable reads, then
 * the next; the order is drawn from the seed. It holds the whole member side
 * while it rolls (no other member fault meanwhile), so at most one member is
 * down at a time and the cluster keeps its quorum. The start event names the
 * order; the stop event's detail has each member's turn (stopped, started,
 * serving) with its time. A member that does not serve within 15 s stops the
 * rollout, and the turn records why.
 */
export const rollingRestart: Fault = {
  name: "rolling-restart",
  description:
    "restart every member in turn (SIGTERM, start, wait until it serves), as an upgrade does",
  side: "member",
  holdMs: () => [0, 0],
  async start(world, random) {
    if (!await membersFree(world)) return undefined;
    const control = controlOf(world);
    const order = shuffle(memberNames(world), random);
    for (const m of order) world.busyMembers.add(m);
    const at = world.now();
    const rollout = (async () => {
      const turns: Turn[] = [];
      for (const member of order) {
        const wasLeader = (await world.cluster.leader()) === member;
        const turn: Turn = { member, wasLeader, stoppedAt: world.now() };
        turns.push(turn);
        try {
          await control.terminate(member, STOP_GRACE_MS);
          await control.restart(member);
          turn.startedAt = world.now();
          await waitServes(urlOf(world, member), SERVE_MS);
          turn.servingAt = world.now();
        } catch (e) {
          turn.error = (e instanceof Error ? e.message : String(e)).split("\n")[0];
          break; // an upgrade stops at a member that does not come back
        }
      }
      return turns;
    })();
    return {
      at,
      targets: order,
      detail: { order },
      heal: async () => {
        try {
          const turns = await rollout;
          // A rollout cut short leaves a member down: start it, as the operator would.
          for (const t of turns) if (t.servingAt === undefined) await control.restart(t.member);
          await world.cluster.waitReady(HEAL_READY_MS);
          // A restarted member replays its log; on a small quota that can raise NOSPACE again.
          const settled = await settleBackends(world.cluster, world.now);
          return {
            turns,
            restarted: turns.filter((t) => t.servingAt !== undefined).length,
            ...(settled ? { settled } : {}),
          };
        } finally {
          for (const m of order) world.busyMembers.delete(m);
        }
      },
    };
  },
};

function urlOf(
  world: { cluster: { members: readonly { name: string; clientUrl: string }[] } },
  name: string,
) {
  return world.cluster.members.find((m) => m.name === name)!.clientUrl;
}

/** A seeded Fisher–Yates shuffle. */
function shuffle<T>(items: T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
