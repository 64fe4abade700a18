import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import type { LeadershipOptions } from "./leadership_view.ts";
import { oneLeaderChecker } from "./one_leader.ts";
import { leaderOnlyWritesChecker } from "./leader_only_writes.ts";
import { observerOrderChecker } from "./observer_order.ts";
import { resignHandoverChecker } from "./resign_handover.ts";

export type { LeaderLook, LeadershipOptions, WriteValue } from "./leadership_view.ts";

/**
 * Leader election, judged against etcd: the key log of the election keys
 * where it covers the revision, and otherwise the looks taken next to every
 * leader-only write (the leader's token never decreases with the revision,
 * so a look contradicts any claim that would make it decrease).
 * - `one-leader`: every claim of leadership names etcd's leader at its
 *   revision, and no two leaders' acknowledged acts interleave in revision order;
 * - `leader-only-writes`: every accepted leader-only write came from etcd's
 *   leader at its revision (a deposed leader's writes are rejected);
 * - `observer-order`: observers see leaders in etcd's order, never one that was not;
 * - `resign-handover`: after a resign, a waiting candidate leads within `handoverMs`.
 */
export function leadershipCheckers(o: LeadershipOptions): BuiltinChecker[] {
  return [
    oneLeaderChecker(o),
    leaderOnlyWritesChecker(o),
    observerOrderChecker(o),
    resignHandoverChecker(o),
  ];
}
