import type { HistoryEvent } from "../../../lib/history/event.ts";
import { operations } from "../../../lib/history/event.ts";

/** The role and operation names the monitoring checkers read. */
export interface MonitorNames {
  /** Role of the monitored nodes (they keep a heartbeat key). */
  member: string;
  /** Role of the nodes that report up/down transitions. */
  monitor: string;
  /** Operation (re)creating a member's heartbeat key. */
  register: string;
  /** Operation deregistering on a graceful stop (a leave, not an alarm). */
  deregister: string;
  /** Operation a member records when it learns its heartbeat lease is gone. */
  lost: string;
  up: string;
  down: string;
}

/** The names the monitoring scenario uses. */
export const MONITORING_NAMES: MonitorNames = {
  member: "member",
  monitor: "monitor",
  register: "register",
  deregister: "deregister",
  lost: "lost",
  up: "up",
  down: "down",
};

/** What an up/down operation carries. */
export interface TransitionValue {
  /** The member reported on. */
  member: string;
  /** The revision the monitor saw it at, where it uses revisions. */
  revision?: number;
  cause?: string;
}

/** One reported transition. */
export interface Transition {
  monitor: string;
  incarnation: number;
  time: number;
  member: string;
  state: "up" | "down";
  revision?: number;
}

/** Every acknowledged up/down report, in history order. */
export function transitions(history: readonly HistoryEvent[], names: MonitorNames): Transition[] {
  return operations(history).filter((o) =>
    (o.f === names.up || o.f === names.down) && o.outcome === "ok"
  ).map((o) => {
    const v = o.complete!.value as TransitionValue;
    return {
      monitor: o.node,
      incarnation: o.incarnation,
      time: o.complete!.time,
      member: v.member,
      state: o.f === names.up ? "up" as const : "down" as const,
      revision: v.revision,
    };
  }).sort((a, b) => a.time - b.time);
}

/** What one monitor incarnation believed at `t`: member → its last reported state. */
export function stateAt(
  all: readonly Transition[],
  monitor: string,
  incarnation: number,
  t: number,
): Map<string, "up" | "down"> {
  const state = new Map<string, "up" | "down">();
  for (const x of all) {
    if (x.time > t) break;
    if (x.monitor === monitor && x.incarnation === incarnation) state.set(x.member, x.state);
  }
  return state;
}
