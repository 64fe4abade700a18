/**
 * A generated operation as a log records it, before it becomes an {@link Op}:
 * its outcome (`fail` ones are written to logs but are not operations).
 */
import type { Op } from "./model.ts";

/** One generated operation with its outcome. */
export interface CorpusRecord<I, O> {
  client: number;
  incarnation: number;
  input: I;
  outcome: "ok" | "fail" | "info";
  output?: O;
  call: number;
  /** When the client stopped waiting (also for `info`). */
  ret: number;
}

/** A generated history: its records and the operations the checker gets. */
export interface Corpus<I, O> {
  records: CorpusRecord<I, O>[];
  ops: Op<I, O>[];
  /** The anomaly planted, if any: the history is then not linearizable. */
  anomaly?: string;
}

/** The checker's operations of `records`: `fail` left out, `info` with no return. */
export function opsOf<I, O>(records: readonly CorpusRecord<I, O>[]): Op<I, O>[] {
  const ops: Op<I, O>[] = [];
  for (const r of records) {
    if (r.outcome === "fail") continue;
    ops.push({
      id: ops.length,
      client: `c${r.client}`,
      input: r.input,
      output: r.outcome === "ok" ? r.output : undefined,
      call: r.call,
      ret: r.outcome === "ok" ? r.ret : Infinity,
    });
  }
  return ops;
}
