/**
 * Hand-written histories for the registry checkers (discovery and
 * monitoring): operations through {@link HistoryBuilder}, plus the node
 * lifecycle, phases and fault details those checkers read.
 */
import type { HistoryEvent } from "../../../lib/history/event.ts";
import { HistoryBuilder } from "../../../test/helpers/history_builder.ts";

/** A HistoryBuilder that also records spawns (with roles), phases and faults with details. */
export class RegistryHistory extends HistoryBuilder {
  #extra: HistoryEvent[] = [];
  #nextFault = 1000;

  spawn(node: string, role: string, time: number, incarnation = 1): this {
    this.#extra.push({ kind: "node", type: "spawn", node, incarnation, role, time });
    return this;
  }

  phase(phase: string, time: number): this {
    this.#extra.push({ kind: "phase", phase, time });
    return this;
  }

  /** A fault with a detail (e.g. the lease kill-lease revoked). */
  faultWith(
    fault: string,
    targets: string[],
    start: number,
    stop: number,
    detail: Record<string, unknown>,
  ): this {
    const id = this.#nextFault++;
    this.#extra.push({ kind: "fault", type: "start", id, fault, targets, detail, time: start });
    this.#extra.push({ kind: "fault", type: "stop", id, fault, targets, time: stop });
    return this;
  }

  override build(): HistoryEvent[] {
    return [...super.build(), ...this.#extra].sort((a, b) => a.time - b.time);
  }
}

/** The checker input for a history, with a 2 s TTL. */
export const input = (h: RegistryHistory, params: Record<string, unknown> = {}) => ({
  history: h.build(),
  final: undefined,
  ttlMs: 2000,
  params,
});
