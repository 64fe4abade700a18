import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import type { DoubleBarrierOptions } from "./double_barrier_view.ts";
import { enterSafetyChecker } from "./enter_safety.ts";
import { leaveSafetyChecker } from "./leave_safety.ts";
import { barrierLivenessChecker } from "./barrier_liveness.ts";
import { deadParticipantChecker } from "./dead_participant.ts";

export type { DoubleBarrierOptions } from "./double_barrier_view.ts";

/**
 * A double barrier of `count` participants, round by round:
 * - `enter-safety`: nobody enters a round before all `count` participants
 *   have tried to (from the history) and before etcd held `count`
 *   participant keys of the round (from etcd's history);
 * - `leave-safety`: nobody leaves while etcd still holds a participant key of the round;
 * - `barrier-liveness`: everybody passes within `boundMs` once it can: enter
 *   once the last participant arrived, leave once the last one left; rounds
 *   a fault touched are not judged here;
 * - `barrier-dead-participant` (the recipe's documented behaviour): a
 *   participant killed, revoked or cut off inside the barrier holds the
 *   others' leave at most until its lease expires (TTL + `releaseSlackMs`),
 *   or, if it restarts and re-joins the round first, until it leaves.
 */
export function doubleBarrierCheckers(o: DoubleBarrierOptions): BuiltinChecker[] {
  return [
    enterSafetyChecker(o),
    leaveSafetyChecker(o),
    barrierLivenessChecker(o),
    deadParticipantChecker(o),
  ];
}
