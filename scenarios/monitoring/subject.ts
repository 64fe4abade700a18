import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import type { NodeContext } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";

/** A reported change of a member's health. */
export interface Transition {
  /** The member whose health changed: its id, the heartbeat key's name below the prefix. */
  member: string;
  /** What the monitor now reports it as. */
  state: "up" | "down";
  /** The revision it was seen at, where the monitor uses revisions. */
  revision?: number;
  /** What the monitor saw, in a few words (e.g. `heartbeat key deleted`). */
  cause: string;
}

/** A monitor implementation: watches the heartbeat keys and reports transitions. */
export interface MonitorSubject {
  /**
   * Runs until `ctx.signal` aborts, calling `report` for each transition as
   * it is seen (each is recorded as an ok `up` or `down` operation, at the
   * transition's revision where the monitor knows it). Retry etcd errors
   * inside; resolve when stopped; a throw ends the node's role.
   */
  run(report: (t: Transition) => void): Promise<void>;
}

/** Builds a monitor for one node; heartbeat keys are `<prefix><member id>`. */
export type MonitorFactory = (ctx: NodeContext, client: Etcd3, prefix: string) => MonitorSubject;

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link MonitorFactory}. */
export const MONITOR_SHAPE: SubjectShape = { factory: ["run"] };
