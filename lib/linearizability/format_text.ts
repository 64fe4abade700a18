/** A check's result as text a person reads in a terminal. */
import type { CheckResult, OpView } from "./check.ts";

const t = (x: number | null) => x === null ? "∞" : Number.isInteger(x) ? String(x) : x.toFixed(2);
const line = (op: OpView) =>
  `${op.client.padEnd(6)} [${t(op.call)}, ${t(op.ret)}]  ${op.text}${
    op.source ? `   (${op.source})` : ""
  }`;

/** Options of {@link formatResult}. */
export interface FormatOptions {
  /** Steps of the longest partial linearization shown (default 8). */
  longestShown?: number;
  /** Partitions shown in detail (default 5). */
  partitionsShown?: number;
}

/** The verdict and its counterexample, a few lines per violating partition. */
export function formatResult(r: CheckResult, options: FormatOptions = {}): string {
  const out: string[] = [];
  const parts = r.partitions.length;
  out.push(
    `${r.verdict} (${r.model} model, ${r.ops} operations, ${parts} partition${
      parts === 1 ? "" : "s"
    }, ${Math.round(r.elapsedMs)} ms)${r.reason ? `: ${r.reason}` : ""}`,
  );
  for (const c of r.cross.slice(0, 10)) out.push(`  across keys: ${c.message}`);
  if (r.cross.length > 10) out.push(`  … and ${r.cross.length - 10} more across keys`);
  const bad = r.partitions.filter((p) => p.verdict !== "linearizable");
  for (const p of bad.slice(0, options.partitionsShown ?? 5)) {
    out.push(`  ${p.name}: ${p.verdict} (${p.ops} operations searched, ${p.steps} steps)`);
    if (p.window) {
      const w = p.window;
      out.push(
        `    no order admits this window (time ${t(w.from === -Infinity ? null : w.from)} … ${
          t(w.to)
        }${w.minimal ? "" : ", not shrunk to the end"}): ${w.inside.length} operations${
          w.edge.length ? `, with ${w.edge.length} straddling its edges as unknown outcomes` : ""
        }`,
      );
      for (const op of w.inside.slice(0, 30)) out.push(`      ${line(op)}`);
      if (w.inside.length > 30) out.push(`      … ${w.inside.length - 30} more`);
      for (const op of w.edge.slice(0, 10)) out.push(`      edge: ${line(op)}`);
      if (w.edge.length > 10) out.push(`      edge: … ${w.edge.length - 10} more`);
    }
    if (p.longest && p.longestLength !== undefined) {
      const shown = p.longest.slice(-(options.longestShown ?? 8));
      out.push(`    the longest partial linearization (${p.longestLength} steps) ends:`);
      for (const s of shown) out.push(`      ${line(s.op)}   ⇒ ${s.stateAfter}`);
    }
    if (p.stuck) out.push(`    and then nothing could go before: ${line(p.stuck)} returned`);
  }
  if (bad.length > (options.partitionsShown ?? 5)) {
    out.push(
      `  … and ${
        bad.length - (options.partitionsShown ?? 5)
      } more partitions not linearizable or unknown`,
    );
  }
  return out.join("\n");
}
