import type { Completion, HistoryEvent } from "../../lib/history/event.ts";

/** Builds hand-written histories for checker tests; events come out sorted by time. */
export class HistoryBuilder {
  #events: HistoryEvent[] = [];
  #nextOp = 1;
  #nextFault = 1;

  /** An operation from `start` to `end` (end undefined: never completed). */
  op(
    node: string,
    f: string,
    start: number,
    end: number | undefined,
    outcome: Completion,
    value?: unknown,
    revision?: number,
    incarnation = 1,
  ): this {
    const op = this.#nextOp++;
    this.#events.push({ kind: "op", type: "invoke", op, node, incarnation, f, time: start });
    if (end !== undefined) {
      this.#events.push({
        kind: "op",
        type: outcome,
        op,
        node,
        incarnation,
        f,
        value,
        revision,
        time: end,
      });
    }
    return this;
  }

  fault(fault: string, targets: string[], start: number, stop: number): this {
    const id = this.#nextFault++;
    this.#events.push({ kind: "fault", type: "start", id, fault, targets, time: start });
    this.#events.push({ kind: "fault", type: "stop", id, fault, targets, time: stop });
    return this;
  }

  exit(node: string, time: number, incarnation = 1): this {
    this.#events.push({ kind: "node", type: "exit", node, incarnation, time });
    return this;
  }

  /** A marker event so the history lasts until `time`. */
  /** The runner's probe: a read of the cluster answered at `time` after `latencyMs`. */
  probe(time: number, latencyMs: number): this {
    this.#events.push({ kind: "probe", latencyMs, ok: true, time });
    return this;
  }

  end(time: number): this {
    this.#events.push({ kind: "phase", phase: "final", time });
    return this;
  }

  build(): HistoryEvent[] {
    return [...this.#events].sort((a, b) => a.time - b.time);
  }
}
