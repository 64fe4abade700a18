import { UsageError } from "../proc/errors.ts";

/** Parses `500ms`, `30s`, `2m`, `1h`, or a bare number of seconds, into ms. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) {
    throw new UsageError(
      `${flag} ${JSON.stringify(text)} is not a duration: write it like 500ms, 30s or 2m`,
    );
  }
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
  return Math.round(n * scale);
}

/** The range a duration flag accepts, ms. */
export interface DurationRange {
  minMs: number;
  maxMs: number;
  /** What the flag is, for the message: "the workload's length". */
  what: string;
}

/**
 * {@link parseDuration} within a range: a zero, too short or too long
 * duration is a {@link UsageError} that says the range.
 */
export function parseDurationIn(text: string, flag: string, r: DurationRange): number {
  const ms = parseDuration(text, flag);
  if (ms < r.minMs || ms > r.maxMs) {
    throw new UsageError(
      `${flag} ${text}: ${r.what} is from ${showMs(r.minMs)} to ${showMs(r.maxMs)}`,
    );
  }
  return ms;
}

/** A duration the way a person writes it: 500ms, 30s, 2m, 1h. */
export function showMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
