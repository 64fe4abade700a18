/**
 * `deno task bench`: speed figures measured here and now, as medians over
 * repeated runs and ratios measured within one run (never asserted in tests).
 * Writes bench/results.json and prints a short table.
 *
 * BENCH_REPEATS (default 5) sets the repeats of the cluster figures;
 * BENCH_POWER_SEEDS (default 1) the seeds per pair of the power section and
 * BENCH_POWER_JOBS (default 4) how many of its runs go at once,
 * BENCH_POWER_ROWS=caught,pinned,valid only those kinds of its rows (see power.ts),
 * BENCH_POWER_SCENARIOS=lock,election/etcd3 only those scenarios' or pairs' rows (runs that miss
 * are kept for their evidence, the path printed), BENCH_POWER_SECONDS=20 every
 * caught and valid row at that duration (default 30);
 * BENCH_SKIP=scale,overhead skips sections by name (ready, container, checkers,
 * linearizability, overhead, scale, detection, runall, power).
 */
import { cleanupAll } from "../lib/proc/cleanup.ts";
import { containerClusterReady, processClusterReady } from "./cluster_ready.ts";
import { dockerAvailable } from "../lib/cluster/docker.ts";
import { checkerThroughput } from "./checker_throughput.ts";
import { proxyOverhead } from "./overhead.ts";
import { scale } from "./scale.ts";
import { detection } from "./detection.ts";
import { runAllTime } from "./run_all.ts";
import { chooseRows, power } from "./power.ts";
import { benchSettings } from "./settings.ts";
import { UsageError } from "../lib/proc/errors.ts";
import { formatLinearizabilityBench, linearizabilityBench } from "./linearizability.ts";

// Bad settings are found before the first section, not after minutes of figures.
const settings = await (async () => {
  try {
    const s = benchSettings(Deno.env.toObject());
    if (!s.skip.has("power")) await chooseRows(s.power);
    return s;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`bench: ${e.message}`);
    Deno.exit(2);
  }
})();
const REPEATS = settings.repeats;
const SKIP = settings.skip;

/** One figure of the table: a value, its unit and the target it is held to. */
interface Row {
  figure: string;
  value: string;
  target: string;
}
const rows: Row[] = [];
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno },
};

async function section(name: string, fn: () => Promise<void>): Promise<void> {
  if (SKIP.has(name)) return;
  console.error(`bench: ${name}…`);
  await fn();
}

await section("ready", async () => {
  const r = await processClusterReady(REPEATS);
  results.processClusterReady = { ...r, targetMs: 1500 };
  rows.push({
    figure: "process cluster ready (3 members)",
    value: `${r.medianMs} ms`,
    target: "≤ 1500 ms",
  });
});

await section("container", async () => {
  if (!await dockerAvailable()) {
    console.error("bench: container skipped: no Docker engine answers");
    rows.push({
      figure: "container cluster ready (3 members)",
      value: "no Docker",
      target: "≤ 5000 ms",
    });
    return;
  }
  const r = await containerClusterReady(REPEATS);
  results.containerClusterReady = { ...r, targetMs: 5000 };
  rows.push({
    figure: "container cluster ready (3 members)",
    value: `${r.medianMs} ms`,
    target: "≤ 5000 ms",
  });
});

await section("checkers", () => {
  const r = checkerThroughput(REPEATS);
  results.checkerThroughput = { ...r, target: 1_000_000 };
  for (const [k, v] of Object.entries(r)) {
    if (k.endsWith("_eventsPerSec")) {
      rows.push({
        figure: `checker ${k.replace("_eventsPerSec", "")} (${r.events} events)`,
        value: `${(v / 1e6).toFixed(2)} M events/s`,
        target: "≥ 1 M/s",
      });
    }
  }
  return Promise.resolve();
});

await section("linearizability", () => {
  const r = linearizabilityBench();
  results.linearizability = r;
  console.error(formatLinearizabilityBench(r));
  for (const x of r.rows) {
    rows.push({
      figure: `linearizability ${x.model}, ${x.ops} ops, ${x.clients} clients (${x.verdict})`,
      value: `${x.opsPerSec ?? "—"} ops/s, heap +${x.peakHeapMiB} MiB`,
      target: x.model === "register" && x.ops === 10_000 && x.clients === 5 ? "< 1 s" : "—",
    });
  }
  rows.push({
    figure: `linearizability register corpus (${r.corpus.histories} histories)`,
    value: `${r.corpus.ms} ms${r.corpus.allAsExpected ? "" : " (not all as expected)"}`,
    target: "—",
  });
  return Promise.resolve();
});

await section("overhead", async () => {
  const idle = await proxyOverhead(REPEATS, 2000, false);
  const loaded = await proxyOverhead(REPEATS, 2000, true);
  results.proxyOverhead = { idle, loaded, target: 0.9 };
  for (const [r, when] of [[idle, "idle"], [loaded, "one core busy"]] as const) {
    rows.push({
      figure:
        `puts/s through node proxy vs bare, ${when} (${r.proxiedOpsPerSec} / ${r.bareOpsPerSec})`,
      value: `ratio ${r.ratio}`,
      target: "≥ 0.9",
    });
  }
});

await section("scale", async () => {
  const r = await scale([25, 50], 10_000); // 25 answers how far it got if 50 fails
  results.scale = { ...r, targetNodes: 50, targetMiB: 4096 };
  const top = r.rows.find((x) => x.nodes === r.maxValidNodes);
  rows.push({
    figure: "most lock nodes with a valid verdict (peak memory, summed PSS)",
    value: `${r.maxValidNodes} nodes, ${top?.peakPssMiB ?? "?"} MiB`,
    target: "≥ 50 in ≤ 4096 MiB",
  });
});

await section("detection", async () => {
  const r = await detection(20_000, 2);
  results.detection = r;
  for (const x of r.rows) {
    rows.push({
      figure: `${x.what} after kill-node (TTL ${r.ttl} s)`,
      value: x.medianMs === null ? "not measured" : `${x.medianMs} ms (${x.medianOverTtl} × TTL)`,
      target: `≤ ${x.boundMs} ms`,
    });
  }
});

await section("runall", async () => {
  const r = await runAllTime(settings.runallJobs);
  results.runAll = { ...r, targetSeconds: 180 };
  rows.push({
    figure: `run all --expect, ${r.jobs} jobs (${
      r.expectationsMet ? "all as expected" : `exit ${r.exitCode}: ${r.mismatches.join(" ")}`
    })`,
    value: `${r.seconds} s, CPU ${r.cpuSeconds} s (${
      Math.round(r.cpuUtilisation * 100)
    }% of ${navigator.hardwareConcurrency} cores)`,
    target: "≤ 180 s",
  });
});

await section("power", async () => {
  const { seeds, jobs, ...select } = settings.power;
  const r = await power(seeds, jobs, select);
  if (r.kept) console.error(`bench: the runs that missed are kept in ${r.kept}`);
  results.power = r;
  for (const x of r.rows) {
    const what = x.kind === "valid"
      ? "valid"
      : x.kind === "caught"
      ? "caught"
      : `caught as run all runs it${x.planned ? " (its plan)" : ""}`;
    rows.push({
      figure: `power: ${x.scenario}/${x.subject} ${what} under ${x.faults} (${
        x.durationMs / 1000
      } s)`,
      value: `${x.expected}/${x.runs}${
        x.missedSeeds.length ? ` (missed seeds ${x.missedSeeds.join(",")})` : ""
      }${
        Object.keys(x.crashed).length
          ? `; runner died without a verdict on seeds ${Object.keys(x.crashed).join(",")}`
          : ""
      }${
        Object.keys(x.unjudged).length
          ? `; judged nothing: ${
            Object.entries(x.unjudged).map(([c, n]) => `${c} ${n}×`).join(", ")
          }`
          : ""
      }`,
      target: x.kind === "valid" ? "20/20" : "≥ 19/20",
    });
  }
});

await Deno.writeTextFile(
  new URL("./results.json", import.meta.url),
  JSON.stringify(results, null, 2) + "\n",
);
const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => Object.values(r)[i].length), 6));
for (const r of [{ figure: "figure", value: "median", target: "target" }, ...rows]) {
  console.log(`${r.figure.padEnd(w[0])}  ${r.value.padEnd(w[1])}  ${r.target}`);
}
console.log("written to bench/results.json");
await cleanupAll();
Deno.exit(0);
