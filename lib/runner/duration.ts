import { UsageError } from "../errors.ts";

/** Parses `500ms`, `30s`, `2m`, or a bare number of seconds, into ms. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) {
    throw new UsageError(
      `${flag} ${JSON.stringify(text)} is not a duration: write it like 500ms, 30s or 2m`,
    );
  }
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  return Math.round(unit === "ms" ? n : unit === "s" ? n * 1000 : n * 60_000);
}
