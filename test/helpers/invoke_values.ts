import type { HistoryEvent } from "../../lib/history/event.ts";
import type { HistoryBuilder } from "./history_builder.ts";

/**
 * The builder's history with each invocation carrying its completion's
 * value, as a node records it (the builder leaves invocations bare):
 * checkers read the invoke value of operations of unknown outcome.
 */
export function withInvokeValues(h: HistoryBuilder): HistoryEvent[] {
  const events = h.build();
  const values = new Map<string, unknown>();
  for (const e of events) {
    if (e.kind === "op" && e.type !== "invoke" && e.value !== undefined) {
      values.set(`${e.node}#${e.incarnation}#${e.op}`, e.value);
    }
  }
  return events.map((e) =>
    e.kind === "op" && e.type === "invoke"
      ? { ...e, value: values.get(`${e.node}#${e.incarnation}#${e.op}`) }
      : e
  );
}
