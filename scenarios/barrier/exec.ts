import { ExecChannel } from "../../lib/subjects/exec_channel.ts";
import { callUntil } from "../../lib/subjects/exec_wait.ts";
import { fail } from "../../lib/node/context.ts";
import { roundName } from "./double_barrier_recipe.ts";
import type { BarrierSubjectFactory } from "./subject.ts";

/**
 * The barrier subject of a program (`--subject 'exec:CMD ARGS'`), over the
 * exec line protocol (docs/exec-protocol.md#barrier): a waiter's program
 * answers `wait` once the condition holds; a participant's answers `enter`
 * once every participant of the round is in and `leave` once all are out.
 * These calls block: they have no deadline and end when the node stops.
 */
export const execBarrier: BarrierSubjectFactory = (ctx, o) => {
  const channel = new ExecChannel(ctx, { scenario: "barrier" });
  const roundArgs = (round: number) => {
    const prefix = `${o.keys.barrier}${roundName(round)}/`;
    return { prefix, waiting: `${prefix}w/`, id: ctx.node, round, participants: o.participants };
  };
  return {
    async waitCondition(required) {
      const out = await callUntil(channel, ctx.signal, {
        name: "wait",
        args: { prefix: o.keys.conditions, required },
        deadlineMs: Infinity,
      });
      return out ?? fail("stopped", {});
    },
    async enter(round) {
      const out = await callUntil(channel, ctx.signal, {
        name: "enter",
        args: roundArgs(round),
        deadlineMs: Infinity,
      });
      return out ? { ...out, value: { round, ...(out.value ?? {}) } } : fail("stopped", { round });
    },
    async leave(round) {
      const out = await callUntil(channel, ctx.signal, {
        name: "leave",
        args: roundArgs(round),
        deadlineMs: Infinity,
      });
      return out ? { ...out, value: { round, ...(out.value ?? {}) } } : fail("stopped", { round });
    },
    lease: () => channel.lease(),
  };
};
