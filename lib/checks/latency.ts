import { summarize } from "./stats.ts";

/**
 * A latency sample as a checker reports it: the figures (median, p95, max
 * under `name`) and the words for its summary line.
 */
export function latency(
  name: string,
  values: number[],
): { figures: Record<string, number | null>; text: string } {
  const figures = summarize(name, values);
  const text = values.length === 0
    ? "none measured"
    : `median ${figures[`${name}_median`]} ms, p95 ${figures[`${name}_p95`]} ms, max ${
      figures[`${name}_max`]
    } ms`;
  return { figures, text };
}
