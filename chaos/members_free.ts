/**
 * Operator drills wait for the member side instead of skipping: an operator
 * does not start a rolling restart or a member replacement in the middle of
 * an outage, but after it. Waiting keeps member faults one at a time.
 */
import type { World } from "../lib/faults/fault.ts";

/** How long an operator drill waits for another member fault to heal. */
export const MEMBERS_FREE_WAIT_MS = 10_000;

/**
 * Resolves true as soon as no member fault holds (check it and claim in the
 * same turn), false after `timeoutMs` (the drill is then skipped).
 */
export async function membersFree(
  world: World,
  timeoutMs = MEMBERS_FREE_WAIT_MS,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (world.busyMembers.size > 0) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
