import type { HistoryEvent } from "../history/event.ts";
import { operations } from "../history/event.ts";
import type { Lifetime } from "./lifetimes.ts";
import { phaseTime } from "./lifetimes.ts";

/** A lease as a census saw it. */
export interface CensusLease {
  id: string;
  /** Remaining TTL, seconds. */
  ttl: number;
  /** Keys attached to it. */
  keys: string[];
}

/** What a `census` operation carries: etcd's registry and leases, read near one moment. */
export interface CensusValue {
  /** Revision of the registry read. */
  revision: number;
  /** key → value under the registry prefix at `revision`. */
  services: Record<string, string>;
  leases: CensusLease[];
}

/** A census with when it was taken. */
export interface Census extends CensusValue {
  node: string;
  /** When the census was acknowledged. */
  time: number;
  /** When it was asked for: etcd read the registry somewhere between this and `time`. */
  invoked: number;
}

/**
 * How long before the first reader stops a census must be, ms: views of its
 * revisions can still arrive. Readers report the census's revision within
 * 0.2 s here when the machine is calm; one second was once too little for
 * both readers of a fresh clone's suite (their last views two revisions
 * behind), so two.
 */
const SETTLE_MS = 2000;

/**
 * The census the end-of-run checks judge: the last acknowledged one taken
 * after the quiesce phase began and at least two seconds before the first
 * `reader` node incarnation stopped (so every reader could still apply what
 * the census saw). Undefined when there is none.
 */
export function finalCensus(
  history: readonly HistoryEvent[],
  lives: readonly Lifetime[],
  names: { census: string; reader: string },
): Census | undefined {
  const quiesce = phaseTime(history, "quiesce");
  if (quiesce === undefined) return undefined;
  const stops = lives.filter((l) => l.role === names.reader && l.end > quiesce).map((l) => l.end);
  const cutoff = Math.min(Infinity, ...stops) - SETTLE_MS;
  const all = censuses(history, names.census).filter((c) => c.time >= quiesce && c.time <= cutoff);
  return all.at(-1);
}

/** Every acknowledged census, in history order. */
export function censuses(history: readonly HistoryEvent[], f: string): Census[] {
  return operations(history).filter((o) => o.f === f && o.outcome === "ok")
    .map((o) => ({
      node: o.node,
      time: o.complete!.time,
      invoked: o.invoke.time,
      ...(o.complete!.value as CensusValue),
    }))
    .sort((a, b) => a.time - b.time);
}
