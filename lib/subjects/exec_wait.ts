/**
 * Waiting on a program's calls until the node stops: the blocking calls of
 * the exec line protocol (a campaign, a wait for a condition) and the long
 * ones that answer only when stdin closes (a watcher that writes events).
 */
import type { NodeContext, Outcome } from "../node/context.ts";
import type { ExecChannel } from "./exec_channel.ts";

/**
 * Sends a call and waits for its answer or for `signal` to abort, whichever
 * comes first. Returns the outcome, or undefined when the signal aborted
 * first (the call stays open; closing the channel settles it). Throws what
 * the call throws (an unknown outcome) when that comes first.
 */
export async function callUntil(
  channel: ExecChannel,
  signal: AbortSignal,
  call: { name: string; args: Record<string, unknown>; deadlineMs: number },
): Promise<Outcome | undefined> {
  if (signal.aborted) return undefined;
  const answered = channel.call(call.name, call.args, call.deadlineMs);
  // Settled after the stop, nobody awaits it: keep its rejection from going unhandled.
  answered.catch(() => {});
  let onAbort = () => {};
  const stopped = new Promise<undefined>((r) => {
    onAbort = () => r(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([answered, stopped]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Runs a call that answers only when the program's stdin closes (events
 * meanwhile), until `signal` (default: the node's) aborts: a program that
 * ends early is started again 100 ms later. Closes the channel at the end.
 */
export async function runUntilStopped(
  ctx: NodeContext,
  channel: ExecChannel,
  call: { name: string; args: Record<string, unknown>; signal?: AbortSignal },
): Promise<void> {
  const signal = call.signal ?? ctx.signal;
  while (!signal.aborted && !ctx.signal.aborted) {
    try {
      const out = await callUntil(channel, signal, { ...call, deadlineMs: Infinity });
      if (out) console.error(`exec: ${call.name} answered before the node stopped (${out.type})`);
    } catch (e) {
      console.error(`exec: ${e instanceof Error ? e.message : e}`);
    }
    if (!signal.aborted) await ctx.sleep(100); // the program ended: start it again
  }
  await channel.close();
}
