/** Median, p95 and max of a sample under a name, for a checker's figures (null when empty). */
export function summarize(name: string, values: number[]): Record<string, number | null> {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    s.length === 0 ? null : Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
  return {
    [`${name}_median`]: at(0.5),
    [`${name}_p95`]: at(0.95),
    [`${name}_max`]: s.length === 0 ? null : Math.round(s[s.length - 1]),
  };
}
