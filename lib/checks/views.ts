import type { HistoryEvent } from "../history/event.ts";
import { operations } from "../history/event.ts";

/** One recorded view of a prefix: what a node held after applying everything up to `revision`. */
export interface View {
  node: string;
  incarnation: number;
  /** When the view was recorded (history clock). */
  time: number;
  revision: number;
  /** key → value. */
  services: Record<string, string>;
}

/** What a `view` operation carries. */
export interface ViewValue {
  revision: number;
  services: Record<string, string>;
}

/** The acknowledged view operations named `f`, in history order. */
export function views(history: readonly HistoryEvent[], f: string): View[] {
  return operations(history).filter((o) => o.f === f && o.outcome === "ok").map((o) => {
    const v = o.complete!.value as ViewValue;
    return {
      node: o.node,
      incarnation: o.incarnation,
      time: o.complete!.time,
      revision: v.revision,
      services: v.services,
    };
  }).sort((a, b) => a.time - b.time);
}

/** A view for evidence: its keys instead of the whole map. */
export function describeView(v: View): Record<string, unknown> {
  return {
    node: v.node,
    incarnation: v.incarnation,
    time: Math.round(v.time),
    revision: v.revision,
    keys: Object.keys(v.services).sort(),
  };
}
