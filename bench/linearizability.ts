/**
 * Linearizability checker speed: operations per second and peak memory on
 * generated histories (1k, 10k and 100k operations at 5, 20 and 50 clients,
 * register and kv models), and the time of the whole register corpus (clean
 * and planted histories). Run alone with `deno run -A bench/linearizability.ts`;
 * `deno task bench` runs it as its `linearizability` section.
 *
 * BENCH_LIN_BUDGET_MS (default 10000) is the search budget per history; a
 * history that runs out is reported `unknown` with the time it took.
 */
import { checkHistory } from "../lib/linearizability/check.ts";
import type { Model, Op } from "../lib/linearizability/model.ts";
import { generateRegister, REGISTER_ANOMALIES } from "../lib/linearizability/generate_register.ts";
import { registerModel } from "../lib/linearizability/register_model.ts";
import { generateKv } from "../lib/linearizability/generate_kv.ts";
import { kvModel } from "../lib/linearizability/kv_model.ts";

/** One timed history. */
export interface LinearizabilityRow {
  model: "register" | "kv";
  ops: number;
  clients: number;
  verdict: string;
  ms: number;
  /** Operations per second; null when the verdict is unknown (the budget ran out). */
  opsPerSec: number | null;
  /** The JS heap's peak over its low during the check (sampled every 1 024 search steps), MiB. */
  peakHeapMiB: number;
}

/** The result of {@link linearizabilityBench}. */
export interface LinearizabilityBench {
  rows: LinearizabilityRow[];
  /** The register corpus: how many histories and how long they took together. */
  corpus: { histories: number; ms: number; allAsExpected: boolean };
  budgetMs: number;
}

/** Options of {@link linearizabilityBench}. */
export interface LinearizabilityBenchOptions {
  sizes?: number[];
  clients?: number[];
  budgetMs?: number;
}

function timed<S, I, O>(model: Model<S, I, O>, ops: Op<I, O>[], budgetMs: number) {
  // Growth over the lowest sample: garbage collected during the check would hide it otherwise.
  let low = Deno.memoryUsage().heapUsed, peak = low;
  const sample = () => {
    const h = Deno.memoryUsage().heapUsed;
    peak = Math.max(peak, h);
    low = Math.min(low, h);
  };
  const t = performance.now();
  const r = checkHistory(model, ops, { budgetMs, evidenceBudgetMs: 1000, onTick: sample });
  const ms = performance.now() - t;
  sample();
  return { verdict: r.verdict, ms, heap: peak - low };
}

/** Times the checker; prints nothing. */
export function linearizabilityBench(
  options: LinearizabilityBenchOptions = {},
): LinearizabilityBench {
  const sizes = options.sizes ?? [1_000, 10_000, 100_000];
  const clientCounts = options.clients ?? [5, 20, 50];
  const budgetMs = options.budgetMs ?? 10_000;
  const rows: LinearizabilityRow[] = [];
  for (const model of ["register", "kv"] as const) {
    for (const ops of sizes) {
      for (const clients of clientCounts) {
        const r = model === "register"
          ? timed(registerModel, generateRegister({ seed: 1, clients, ops }).ops, budgetMs)
          : timed(kvModel, generateKv({ seed: 1, clients, ops }).ops, budgetMs);
        rows.push({
          model,
          ops,
          clients,
          verdict: r.verdict,
          ms: Math.round(r.ms),
          opsPerSec: r.verdict === "unknown" ? null : Math.round(ops / (r.ms / 1000)),
          peakHeapMiB: Math.round(r.heap / 2 ** 20),
        });
      }
    }
  }
  // The register corpus: 40 clean histories and every anomaly at two sizes and two seeds.
  const corpus: { ops: Op<unknown, unknown>[]; expect: string }[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    const g = generateRegister({ seed, clients: 5, ops: 1000 });
    corpus.push({ ops: g.ops as Op<unknown, unknown>[], expect: "linearizable" });
  }
  for (const anomaly of REGISTER_ANOMALIES) {
    for (const ops of [20, 2000]) {
      for (const seed of [1, 2]) {
        const g = generateRegister({ seed, clients: 5, ops, anomaly });
        corpus.push({ ops: g.ops as Op<unknown, unknown>[], expect: "not linearizable" });
      }
    }
  }
  const t = performance.now();
  let allAsExpected = true;
  for (const h of corpus) {
    const r = checkHistory(registerModel as Model<unknown, unknown, unknown>, h.ops, { budgetMs });
    if (r.verdict !== h.expect) allAsExpected = false;
  }
  return {
    rows,
    corpus: { histories: corpus.length, ms: Math.round(performance.now() - t), allAsExpected },
    budgetMs,
  };
}

/** The bench as a small table. */
export function formatLinearizabilityBench(b: LinearizabilityBench): string {
  const out = [
    "model     ops      clients  verdict           time      ops/s       peak heap growth",
  ];
  for (const r of b.rows) {
    out.push(
      `${r.model.padEnd(9)} ${String(r.ops).padEnd(8)} ${String(r.clients).padEnd(8)} ${
        r.verdict.padEnd(17)
      } ${`${r.ms} ms`.padEnd(9)} ${String(r.opsPerSec ?? "—").padEnd(11)} ${r.peakHeapMiB} MiB`,
    );
  }
  out.push(
    `register corpus: ${b.corpus.histories} histories in ${b.corpus.ms} ms${
      b.corpus.allAsExpected ? "" : " (NOT all as expected)"
    }; budget ${b.budgetMs} ms per history`,
  );
  return out.join("\n");
}

if (import.meta.main) {
  const budgetMs = Number(Deno.env.get("BENCH_LIN_BUDGET_MS") ?? 10_000);
  console.log(formatLinearizabilityBench(linearizabilityBench({ budgetMs })));
}
