/**
 * etcd-drills CLI: `deno task run <scenario | ./plugin.ts | all> [options]`.
 * Exit codes: 0 valid, 1 invalid (or unknown), 2 bad input or harness failure.
 */
import { parseArgs } from "node:util";
import { HarnessError, UsageError } from "./lib/errors.ts";
import { cleanupAll } from "./lib/runner/cleanup.ts";
import { parseDurationIn } from "./lib/runner/duration.ts";
import { loadScenario } from "./lib/runner/load_scenario.ts";
import { runScenario } from "./lib/runner/run.ts";
import { runPairs, selectPairs } from "./lib/runner/run_pairs.ts";
import type { Pair } from "./lib/runner/run_pairs.ts";
import { resolveSubject } from "./lib/subjects/resolve.ts";
import type { RunOptions } from "./lib/runner/options.ts";
import { runSummary, table, verdictText } from "./lib/report/table.ts";
import { junitXml } from "./lib/report/junit.ts";
import type { JunitCase } from "./lib/report/junit.ts";
import { BUILTIN_SCENARIOS } from "./scenarios/mod.ts";
import { FAULTS, loadFaultPlugins } from "./chaos/mod.ts";
import { loadPlanFile, planFaultNames } from "./chaos/plan_file.ts";
import { NOSPACE_QUOTA_BYTES } from "./chaos/nospace.ts";
import { LAG_SNAPSHOT_COUNT } from "./chaos/lag_until_snapshot.ts";
import type { PlannedFault } from "./chaos/schedule.ts";
import { findEtcd } from "./lib/cluster/etcd_binary.ts";
import { assertPortFree } from "./lib/cluster/free_port.ts";
import { parseKind } from "./lib/cluster/create.ts";
import type { ClusterKind, ClusterOptions } from "./lib/cluster/create.ts";
import { checkConnect, PASSWORD_ENV, readUser, usesTls } from "./lib/cluster/connect.ts";
import type { ConnectOptions } from "./lib/cluster/connect.ts";
import { parseEndpoints } from "./lib/cluster/external_cluster.ts";

/** Pairs `run all` runs at once by default: measured on 2 cores (README, Speed). */
const DEFAULT_JOBS = 4;

const HELP = `etcd-drills: drill etcd use cases under faults and check they keep their promises.

Usage:
  deno task run <scenario | ./plugin.ts | all> [options]
  deno task run --list
  deno task run --help

Scenarios: ${
  Object.keys(BUILTIN_SCENARIOS).join(", ")
}  (all: every scenario × subject it expects a verdict for)

Options:
  --subject S          implementation under test: a built-in name (default: the scenario's,
                       usually reference), your module (./my_lock.ts, a file: or https: URL)
                       whose default export has the scenario's subject shape (README, "Drill
                       your own implementation"), or a program speaking the scenario's line
                       protocol, one per node, its stderr in the node's log ('exec:CMD ARGS';
                       lock and discovery; docs/exec-protocol.md)
  --members N          etcd members: 1, 3 or 5 (default 3)
  --nodes N            simulated nodes (default: the scenario's, 5 for lock)
  --duration D         workload length from 1s to 24h, e.g. 30s, 2m, 1h (default 30s; with "all":
                       each expectation's own)
  --faults a,b         faults to inject: names, "all" or "none" (default: the scenario's); an
                       entry may be a fault module of yours (./my_fault.ts, a file: or https:
                       URL) whose default export is a Fault (README, Faults as plugins)
  --fault-interval D   mean gap between fault starts, 100ms to 1h (default 3s)
  --faults-file F      run exactly this fault schedule instead of drawing one (not with --faults):
                       a JSON array like [{"at": "5s", "fault": "kill-leader", "hold": "3s"}],
                       "at" the offset into the workload (before --duration ends), "hold" or
                       "holdMs" how long it holds (default: the fault's shortest); targets still
                       come from --seed; "fault" may be a module path (relative to the file)
  --seed N             seed of the fault schedule (default: random, printed; with "all": each
                       expectation's pinned seed, so its verdict never depends on luck)
  --ttl SECONDS        lease TTL, a whole number from 1 to 60 (default 2)
  --out DIR            where run directories go (default ./runs)
  --ports-from N       fixed ports from N for the members (default: free ports)
  --cluster K          where etcd runs: process (default: local etcd processes), container
                       (Docker containers through testcontainers, a network per run), external
                       (a cluster you already have: node faults only, keys under a prefix of
                       the run's own, removed afterwards)
  --image IMG          etcd image of --cluster container (default: the etcd-drills/etcd image
                       built by deno task image when there is one, else the official image)
  --endpoints U,U      client URLs of the members of --cluster external, e.g. https://etcd-1:2379
  --cacert F           --cluster external over TLS: CA certificate (PEM) of the members
  --cert F, --key F    --cluster external: client certificate and key (PEM), if it checks clients
  --user NAME          --cluster external with auth enabled: the etcd user; its password comes
                       from --password-file F or the ${PASSWORD_ENV} environment variable
                       (never the command line)
  --password-file F    the password of --user (first line of F)
  --tls                process and container clusters: TLS on client and peer traffic,
                       certificates from a CA the run makes (openssl)
  --auth               process and container clusters: auth on; the harness keeps a root user
                       to itself and each node connects as its own user, allowed only below
                       the run's prefix
  --auth-token-ttl S   with --auth: etcd's --auth-token-ttl in seconds (etcd's default 300)
  --allow-disruptive   --cluster external: also run the faults that change the cluster for
                       every client through etcd's API (compact, defrag); refused without it
  --expect V           one run: exit 0 exactly when the verdict is V (valid or invalid), 1 when
                       not, e.g. a CI job pinning "my lock survives pause-node"
  --expect             with "all": exit 0 exactly when every verdict matches its expectation
  --jobs N             with "all": pairs run at once (default ${DEFAULT_JOBS}); pairs with node faults
                       only share one cluster, each under its own key prefix; a pair with a
                       member fault or compact, or of a scenario reading the whole cluster
                       (discovery counts every lease), gets its own; 1: one by one, a cluster
                       each
  --only S,S           with "all": only these scenarios (lock) or pairs (lock/etcd3, as the
                       table names them), in the table's order
  --junit FILE         also write the verdicts as JUnit XML (one test case per scenario × subject)
  --quiet              no progress lines
  --list               list scenarios, subjects and faults
  -h, --help           this help

Exit codes: 0 valid, 1 invalid or unknown, 2 bad input or the harness failed.
Each run leaves a directory with history.ndjson, results.json, final.json, etcd/ and nodes/ logs.`;

interface Flags {
  subject?: string;
  members?: string;
  nodes?: string;
  duration?: string;
  faults?: string;
  "fault-interval"?: string;
  "faults-file"?: string;
  seed?: string;
  ttl: string;
  out: string;
  "ports-from"?: string;
  cluster: string;
  image?: string;
  endpoints?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  user?: string;
  "password-file"?: string;
  tls: boolean;
  auth: boolean;
  "auth-token-ttl"?: string;
  "allow-disruptive": boolean;
  expect: boolean;
  jobs?: string;
  only?: string;
  /** `--expect valid|invalid` of a single run (read before parseArgs: `--expect` alone is run all's). */
  expectVerdict?: "valid" | "invalid";
  junit?: string;
  quiet: boolean;
  list: boolean;
  help: boolean;
}

/**
 * `--ttl -3` as `--ttl=-3`: parseArgs takes a value that starts with a dash
 * for a flag ("ambiguous"); joined, the number reaches the flag's own check,
 * which says what the value must be.
 */
function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    if (/^--[a-z-]+$/.test(a) && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * Takes `--expect valid|invalid` (or `--expect=…`) out of the arguments:
 * `--expect` with no verdict after it stays run all's boolean flag.
 */
function takeExpectVerdict(args: string[]): { rest: string[]; verdict?: "valid" | "invalid" } {
  const rest: string[] = [];
  let verdict: "valid" | "invalid" | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const inline = /^--expect=(.*)$/.exec(a);
    const next = a === "--expect" ? args[i + 1] : undefined;
    const given = inline?.[1] ?? (next === "valid" || next === "invalid" ? next : undefined);
    if (given === undefined) {
      rest.push(a);
      continue;
    }
    if (given !== "valid" && given !== "invalid") {
      throw new UsageError(`--expect ${JSON.stringify(given)}: give valid or invalid`);
    }
    verdict = given;
    if (!inline) i++;
  }
  return { rest, verdict };
}

function parse(all: string[]): { flags: Flags; positionals: string[] } {
  const { rest: args, verdict } = takeExpectVerdict(all);
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(args),
      allowPositionals: true,
      strict: true,
      options: {
        subject: { type: "string" },
        members: { type: "string" },
        nodes: { type: "string" },
        duration: { type: "string" },
        faults: { type: "string" },
        "fault-interval": { type: "string" },
        "faults-file": { type: "string" },
        seed: { type: "string" },
        ttl: { type: "string", default: "2" },
        out: { type: "string", default: "runs" },
        "ports-from": { type: "string" },
        cluster: { type: "string", default: "process" },
        image: { type: "string" },
        endpoints: { type: "string" },
        cacert: { type: "string" },
        cert: { type: "string" },
        key: { type: "string" },
        user: { type: "string" },
        "password-file": { type: "string" },
        tls: { type: "boolean", default: false },
        auth: { type: "boolean", default: false },
        "auth-token-ttl": { type: "string" },
        "allow-disruptive": { type: "boolean", default: false },
        expect: { type: "boolean", default: false },
        jobs: { type: "string" },
        only: { type: "string" },
        junit: { type: "string" },
        quiet: { type: "boolean", default: false },
        list: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    return { flags: { ...values, expectVerdict: verdict } as Flags, positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split("\n")[0]}: see --help`);
  }
}

/**
 * A whole-number flag in [min, max]; anything else (a fraction, a sign where
 * none belongs, 1e3, an empty value, a number too large) is refused with what
 * the value is (`what`: "a lease TTL is a whole number of seconds").
 */
function integer(
  text: string | undefined,
  flag: string,
  min: number,
  max: number,
  what = "give a whole number",
): number | undefined {
  if (text === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: ${what} from ${min} to ${max}`);
  }
  return n;
}

/**
 * Proves a run directory can be made below --out before anything starts: in
 * --out itself, or in its nearest existing parent when it does not exist yet
 * (the run makes it); nothing is left behind.
 */
async function checkOutDir(dir: string): Promise<void> {
  try {
    let at = dir;
    for (;;) {
      try {
        if (!(await Deno.stat(at)).isDirectory) throw new Error(`${at} is not a directory`);
        break;
      } catch (e) {
        const trimmed = at.replace(/\/+$/, "");
        const parent = trimmed.includes("/") ? trimmed.replace(/\/[^/]*$/, "") || "/" : ".";
        if (!(e instanceof Deno.errors.NotFound) || parent === at) throw e;
        at = parent;
      }
    }
    const probe = await Deno.makeTempDir({ dir: at, prefix: ".drills-probe-" });
    await Deno.remove(probe);
  } catch (e) {
    throw new UsageError(
      `--out ${dir}: cannot make the run directory there (${
        (e as Error).message.split("\n")[0]
      }): give a directory you can write`,
    );
  }
}

/** Proves a report file (--junit) can be written, before anything starts; leaves no file behind. */
async function checkWritableFile(path: string, flag: string): Promise<void> {
  let existed = true;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new Error("not a regular file");
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new UsageError(
        `${flag} ${path}: cannot write it (${
          (e as Error).message.split("\n")[0]
        }): give a file path you can write`,
      );
    }
    existed = false;
  }
  try {
    const f = await Deno.open(path, { write: true, create: true });
    f.close();
    if (!existed) await Deno.remove(path);
  } catch (e) {
    throw new UsageError(
      `${flag} ${path}: cannot write it (${
        (e as Error).message.split("\n")[0]
      }): give a file path you can write`,
    );
  }
}

async function list(): Promise<void> {
  console.log("scenarios:");
  for (const name of Object.keys(BUILTIN_SCENARIOS)) {
    const { scenario } = await loadScenario(name, BUILTIN_SCENARIOS);
    console.log(`  ${name.padEnd(16)} ${scenario.description}`);
    for (const [s, d] of Object.entries(scenario.subjects)) {
      console.log(`    --subject ${s.padEnd(10)} ${d}`);
    }
  }
  console.log("faults:");
  for (const f of FAULTS) {
    const side = f.apiOnly ? `${f.side}, api` : f.side;
    console.log(`  ${f.name.padEnd(16)} [${side}] ${f.description}`);
  }
  console.log("  ./my_fault.ts    [plugin] a module whose default export is a Fault (README)");
}

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parse(args);
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  if (flags.list) {
    await list();
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError("name one scenario (or all): deno task run lock; see --help");
  }
  const cluster = clusterOptions(flags);
  if (flags.faults !== undefined && flags.faults.split(",").every((s) => s.trim() === "")) {
    throw new UsageError(`--faults ${JSON.stringify(flags.faults)}: name faults, or all, or none`);
  }
  const members = integer(flags.members ?? "3", "--members", 1, 5, "a cluster's member count is")!;
  if (![1, 3, 5].includes(members)) {
    throw new UsageError(`--members ${members}: a cluster has 1, 3 or 5 members`);
  }
  const base = {
    members,
    nodes: integer(
      flags.nodes,
      "--nodes",
      1,
      500,
      "the number of simulated nodes is a whole number",
    ),
    durationMs: parseDurationIn(flags.duration ?? "30s", "--duration", {
      minMs: 1000,
      maxMs: 24 * 3_600_000,
      what: "the workload's length",
    }),
    // Below 100 ms the schedule would be nothing but faults; the nemesis cannot keep up.
    faultIntervalMs: parseDurationIn(flags["fault-interval"] ?? "3s", "--fault-interval", {
      minMs: 100,
      maxMs: 3_600_000,
      what: "the mean gap between fault starts",
    }),
    seed: integer(flags.seed, "--seed", 0, 2 ** 31 - 1, "a seed is a whole number") ??
      Math.floor(Math.random() * 2 ** 31),
    ttl: integer(flags.ttl, "--ttl", 1, 60, "a lease TTL is a whole number of seconds")!,
    outDir: flags.out,
    portsFrom: integer(
      flags["ports-from"],
      "--ports-from",
      1024,
      65000,
      "the first member port is a whole number",
    ),
    progress: !flags.quiet,
    cluster,
  };
  const faultPlan = await readFaultsFile(flags, base);
  await checkOutDir(base.outDir);
  if (flags.junit !== undefined) await checkWritableFile(flags.junit, "--junit");
  const jobs = runAllJobs(flags, positionals[0] === "all", base.portsFrom);
  if (flags.only !== undefined && positionals[0] !== "all") {
    throw new UsageError("--only is for run all: deno task run all --only lock,election/etcdctl");
  }
  await preflight(base);
  if (positionals[0] === "all") {
    if (flags.expectVerdict) {
      throw new UsageError(
        `run all --expect takes no verdict: each run is held to its scenario's expectation`,
      );
    }
    return await runAll({ ...base, faultPlan }, flags, jobs);
  }
  if (flags.expect) {
    throw new UsageError(
      `--expect on one run needs the verdict you expect: --expect valid or --expect invalid`,
    );
  }
  const { scenario, url } = await loadScenario(positionals[0], BUILTIN_SCENARIOS);
  const subject = flags.subject ?? scenario.defaultSubject;
  await resolveSubject(scenario, subject);
  const faults = faultList(flags) ?? scenario.defaultFaults;
  await loadFaultPlugins(faults);
  console.log(`seed ${base.seed}`);
  const result = await runScenario({
    ...base,
    cluster: withQuota(base.cluster, faultPlan ? planFaultNames(faultPlan) : faults),
    faultPlan,
    scenario,
    scenarioUrl: url,
    subject,
    faults,
  });
  console.log(runSummary(result));
  if (flags.junit) {
    const expectValid = flags.expectVerdict ? flags.expectVerdict === "valid" : undefined;
    await Deno.writeTextFile(flags.junit, junitXml([{ result, expectValid }]));
  }
  if (flags.expectVerdict) {
    const matched = result.valid === (flags.expectVerdict === "valid");
    console.log(
      `expected ${flags.expectVerdict}, got ${verdictText(result.valid)}: ${
        matched ? "matches" : "does NOT match"
      }`,
    );
    return matched ? 0 : 1;
  }
  return result.valid === true ? 0 : 1;
}

/**
 * The cluster options with the small backend quota `nospace` needs and the
 * small snapshot count `lag-until-snapshot` needs when the run may draw them
 * (named, or "all"); other runs keep etcd's defaults.
 */
function withQuota(
  cluster: Omit<ClusterOptions, "members" | "logDir" | "portsFrom"> = { kind: "process" },
  faults: readonly string[],
): Omit<ClusterOptions, "members" | "logDir" | "portsFrom"> {
  const may = (f: string) => faults.includes(f) || faults.includes("all");
  if (cluster.kind === "external") return cluster;
  return {
    ...cluster,
    ...(may("nospace") ? { quotaBackendBytes: NOSPACE_QUOTA_BYTES } : {}),
    ...(may("lag-until-snapshot") ? { snapshotCount: LAG_SNAPSHOT_COUNT } : {}),
  };
}

/** The --faults entries (built-in names and fault modules), or undefined without the flag. */
function faultList(flags: Flags): string[] | undefined {
  return flags.faults?.split(",").map((s) => s.trim()).filter(Boolean);
}

/** The --faults-file schedule, checked before anything starts; undefined without the flag. */
async function readFaultsFile(
  flags: Flags,
  o: { durationMs: number; ttl: number; seed: number },
): Promise<PlannedFault[] | undefined> {
  const path = flags["faults-file"];
  if (path === undefined) return undefined;
  if (flags.faults !== undefined) {
    throw new UsageError("give --faults or --faults-file, not both: the file names its faults");
  }
  return await loadPlanFile(path, {
    faults: FAULTS,
    durationMs: o.durationMs,
    ttlMs: o.ttl * 1000,
    seed: o.seed,
  });
}

/**
 * The --cluster kind and its own flags; a flag of another kind, or a kind
 * without what it needs, is refused before anything starts.
 */
function clusterOptions(flags: Flags): Omit<ClusterOptions, "members" | "logDir" | "portsFrom"> {
  const kind: ClusterKind = parseKind(flags.cluster);
  const only = (names: (keyof Flags)[], k: ClusterKind) => {
    for (const n of names) {
      if (flags[n] !== undefined && kind !== k) {
        throw new UsageError(`--${n} is for --cluster ${k}, not ${kind}`);
      }
    }
  };
  only(["image"], "container");
  only(["endpoints", "cacert", "cert", "key", "user", "password-file"], "external");
  if (kind !== "external" && flags["allow-disruptive"]) {
    throw new UsageError(
      "--allow-disruptive is for --cluster external: on the clusters the harness runs every fault is allowed",
    );
  }
  if (kind === "external" && (flags.tls || flags.auth)) {
    throw new UsageError(
      "--tls and --auth set up clusters the harness runs: an external cluster's TLS and user come from --cacert and --user",
    );
  }
  if (flags["auth-token-ttl"] !== undefined && !flags.auth) {
    throw new UsageError("--auth-token-ttl goes with --auth");
  }
  if (kind !== "external") {
    return {
      kind,
      image: flags.image,
      tls: flags.tls,
      auth: flags.auth,
      authTokenTtl: integer(flags["auth-token-ttl"], "--auth-token-ttl", 1, 86400),
    };
  }
  if (flags.endpoints === undefined) {
    throw new UsageError("--cluster external needs --endpoints URL,URL (the members' client URLs)");
  }
  for (const n of ["members", "ports-from"] as const) {
    if (flags[n] !== undefined) {
      throw new UsageError(
        `--${n} does not apply to --cluster external: its members are --endpoints`,
      );
    }
  }
  if (flags["password-file"] !== undefined && flags.user === undefined) {
    throw new UsageError("--password-file goes with --user NAME");
  }
  const connect: ConnectOptions = {
    caFile: flags.cacert,
    certFile: flags.cert,
    keyFile: flags.key,
    ...(flags.user !== undefined ? readUser(flags.user, flags["password-file"]) : {}),
  };
  checkConnect(connect);
  return {
    kind,
    endpoints: parseEndpoints(flags.endpoints, usesTls(connect)),
    connect,
    allowDisruptive: flags["allow-disruptive"],
  };
}

/** Fails fast, before anything starts, on what would stop the run: no etcd, no Docker engine, a busy fixed port. */
async function preflight(
  o: { members: number; portsFrom?: number; cluster: { kind: ClusterKind } },
): Promise<void> {
  if (o.cluster.kind === "process") await findEtcd();
  if (o.cluster.kind === "container") await (await import("./lib/cluster/docker.ts")).docker();
  if (o.portsFrom === undefined) return;
  for (let p = o.portsFrom; p < o.portsFrom + 2 * o.members; p++) assertPortFree(p);
}

/** `--jobs` of run all, checked before anything starts (refused for one scenario). */
function runAllJobs(flags: Flags, all: boolean, portsFrom: number | undefined): number {
  if (!all) {
    if (flags.jobs !== undefined) {
      throw new UsageError("--jobs is for run all: deno task run all --jobs 3");
    }
    return 1;
  }
  const jobs = integer(flags.jobs, "--jobs", 1, 32) ?? (portsFrom === undefined ? DEFAULT_JOBS : 1);
  if (jobs > 1 && portsFrom !== undefined) {
    throw new UsageError("--ports-from fixes one cluster's ports: give --jobs 1 with it");
  }
  return jobs;
}

async function runAll(
  base: Omit<RunOptions, "scenario" | "scenarioUrl" | "subject" | "faults">,
  flags: Flags,
  jobs: number,
): Promise<number> {
  let pairs: Pair[] = [];
  for (const name of Object.keys(BUILTIN_SCENARIOS)) {
    const { scenario, url } = await loadScenario(name, BUILTIN_SCENARIOS);
    for (const expectation of scenario.expectations) pairs.push({ scenario, url, expectation });
  }
  if (flags.only !== undefined) pairs = selectPairs(pairs, flags.only);
  const faults = faultList(flags);
  await loadFaultPlugins(faults ?? []);
  const override = {
    faults,
    seed: flags.seed === undefined ? undefined : base.seed,
    durationMs: flags.duration === undefined ? undefined : base.durationMs,
    faultIntervalMs: flags["fault-interval"] === undefined ? undefined : base.faultIntervalMs,
  };
  const label = (i: number) => `${pairs[i].scenario.name}/${pairs[i].expectation.subject}`;
  const t0 = performance.now();
  const since = () => `${Math.round((performance.now() - t0) / 1000)} s`;
  console.log(`${pairs.length} pairs, ${jobs} at a time`);
  const { results, shared } = await runPairs(pairs, {
    // With several pairs at once their progress lines would interleave: one line per pair instead.
    base: {
      ...base,
      // nospace needs its small quota; built-in expectations never draw it, so only --faults asks.
      cluster: withQuota(base.cluster, [
        ...(faults ?? []),
        ...(base.faultPlan ? planFaultNames(base.faultPlan) : []),
      ]),
      progress: base.progress && jobs === 1,
    },
    override,
    jobs,
    onStart: (i) => base.progress && jobs > 1 && console.error(`[${since()}] start ${label(i)}`),
    onEnd: (i, r) =>
      base.progress && jobs > 1 &&
      console.error(`[${since()}] done  ${label(i)}: ${verdictText(r.valid)}`),
  });
  const rows: string[][] = [];
  const cases: JunitCase[] = [];
  let matched = true;
  let allValid = true;
  for (const [i, r] of results.entries()) {
    const e = pairs[i].expectation;
    cases.push({ result: r, expectValid: e.valid });
    const ok = r.valid === e.valid;
    matched &&= ok;
    allValid &&= r.valid === true;
    const failing = r.checks.filter((c) => c.decides && c.valid !== true).map((c) => c.name);
    rows.push([
      pairs[i].scenario.name,
      e.subject,
      r.faults.join(",") || "none",
      String(r.seed),
      `${r.durationMs / 1000} s`,
      verdictText(r.valid),
      e.valid ? "valid" : "INVALID",
      ok ? "yes" : "NO",
      failing.join(",") || "-",
      r.dir,
    ]);
  }
  console.log(
    table([
      "scenario",
      "subject",
      "faults",
      "seed",
      "duration",
      "verdict",
      "expected",
      "match",
      "failing checks",
      "run directory",
    ], rows),
  );
  if (shared) {
    // The shared cluster is whole once every pair on it ended; if not, no verdict on it stands.
    console.log(`shared cluster: ${verdictText(shared.valid)}: ${shared.summary}`);
    matched &&= shared.valid === true;
    allValid &&= shared.valid === true;
  }
  console.log(`${pairs.length} pairs in ${since()} (${jobs} at a time)`);
  if (flags.junit) await Deno.writeTextFile(flags.junit, junitXml(cases));
  if (flags.expect) {
    console.log(
      matched
        ? "every verdict matched its expectation"
        : "some verdicts did NOT match their expectation",
    );
    return matched ? 0 : 1;
  }
  return allValid ? 0 : 1;
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (e) {
    if (e instanceof UsageError || e instanceof HarnessError) {
      console.error(`error: ${e.message}`);
      code = 2;
    } else {
      console.error(`internal error: ${e instanceof Error ? e.stack : e}`);
      code = 2;
    }
  }
  await cleanupAll();
  Deno.exit(code);
}
