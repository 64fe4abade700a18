import type { NodeContext } from "../../lib/node/context.ts";
import type { AddressFeed } from "./grpc_resolver.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";

/**
 * An implementation under test: how a server keeps its address registered,
 * and where a client's resolver gets its addresses from. These methods
 * record their own operations through `ctx.op` (each `ok`, `fail` or, for
 * a throw inside `ctx.op`, unknown); a throw out of `serve` ends the node's
 * role.
 */
export interface LbSubject {
  /**
   * Keeps `addr` registered below `registry` (key `registry + addr`, value
   * `addr`) until `ctx.signal` aborts, then deregisters. Records a `register`
   * operation per put (ok value `{ addr, key, lease }`, revision the put's)
   * and reports `{ primary: true, lease }` for the faults.
   */
  serve(ctx: NodeContext, registry: string, addr: string): Promise<void>;
  /**
   * The address feed behind a client's resolver, watching `registry`: its
   * `start` delivers the whole list of addresses after each change (never
   * synchronously), its `close` stops it. Each list the balancer applied is
   * recorded as a `resolved` operation by the role.
   */
  feed(ctx: NodeContext, registry: string): AddressFeed;
}

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link LbSubject}. */
export const LB_SHAPE: SubjectShape = {
  parts: {
    serve: { fn: "(ctx, registry, addr) => Promise<void>" },
    feed: { factory: ["start", "close"] },
  },
};
