/** Small builders for hand-written histories in the tests. */
import type { Op } from "./model.ts";

/** An operation that returned: [call, ret]. */
export function ok<I, O>(client: string, call: number, ret: number, input: I, output: O): Op<I, O> {
  return { id: -1, client, input, output, call, ret };
}

/** An operation whose outcome is unknown, invoked at `call`. */
export function info<I, O>(client: string, call: number, input: I): Op<I, O> {
  return { id: -1, client, input, output: undefined, call, ret: Infinity };
}

/** Numbers the operations 0, 1, 2… */
export function history<I, O>(...ops: Op<I, O>[]): Op<I, O>[] {
  return ops.map((op, id) => ({ ...op, id }));
}
