/**
 * Every flag of `deno task run`, declared once: its name and type, the help line, which cluster
 * kinds take it and whether it is for one run or `run all`. The parser (cli/args.ts), the help
 * text (cli/help.ts) and the refusals of a flag given where it does not apply all come from here.
 */
import type { ClusterKind } from "../lib/cluster/create.ts";
import { PASSWORD_ENV } from "../lib/cluster/connect.ts";

/** Pairs `run all` runs at once by default: measured on 2 cores (docs/benchmarks.md). */
export const DEFAULT_JOBS = 4;

/** One flag. */
export interface FlagSpec {
  name: string;
  type: "string" | "boolean";
  short?: string;
  default?: string | boolean;
  /** The value's placeholder in the help (`--members N`). */
  arg?: string;
  /** The help text, one paragraph (wrapped when printed). */
  help: string;
  /** The cluster kinds that take the flag (absent: every kind), and why, when refused elsewhere. */
  kinds?: { only: readonly ClusterKind[]; refusal?: string };
  /** For one run only, or for `run all` only (absent: both). */
  runs?: "one" | "all";
}

/** The flags, in the order the help lists them. */
export const FLAGS = [
  {
    name: "subject",
    type: "string",
    arg: "S",
    help:
      "implementation under test: a built-in name (default: the scenario's, usually reference), your module (./my_lock.ts, a file: or https: URL) whose default export has the scenario's subject shape (docs/subjects.md), or a program speaking the scenario's line protocol, one per node, its stderr in the node's log ('exec:CMD ARGS'; docs/exec-protocol.md)",
  },
  { name: "members", type: "string", arg: "N", help: "etcd members: 1, 3 or 5 (default 3)" },
  {
    name: "nodes",
    type: "string",
    arg: "N",
    help: "simulated nodes (default: the scenario's, 5 for lock)",
  },
  {
    name: "duration",
    type: "string",
    arg: "D",
    help:
      'workload length from 1s to 24h, e.g. 30s, 2m, 1h (default 30s; with "all": each expectation\'s own)',
  },
  {
    name: "faults",
    type: "string",
    arg: "a,b",
    help:
      'faults to inject: names, "all" or "none" (default: the scenario\'s); an entry may be a fault module of yours (./my_fault.ts, a file: or https: URL) whose default export is a Fault (docs/faults.md)',
  },
  {
    name: "fault-interval",
    type: "string",
    arg: "D",
    help: "mean gap between fault starts, 100ms to 1h (default 3s)",
  },
  {
    name: "faults-file",
    type: "string",
    arg: "F",
    help:
      'run exactly this fault schedule instead of drawing one (not with --faults): a JSON array like [{"at": "5s", "fault": "kill-leader", "hold": "3s"}], "at" the offset into the workload (before --duration ends), "hold" or "holdMs" how long it holds (default: the fault\'s shortest); targets still come from --seed; "fault" may be a module path (relative to the file)',
  },
  {
    name: "seed",
    type: "string",
    arg: "N",
    help:
      'seed of the fault schedule (default: random, printed; with "all": each expectation\'s pinned seed, so its verdict never depends on luck)',
  },
  {
    name: "ttl",
    type: "string",
    default: "2",
    arg: "SECONDS",
    help: "lease TTL, a whole number from 1 to 60 (default 2)",
  },
  {
    name: "out",
    type: "string",
    default: "runs",
    arg: "DIR",
    help: "where run directories go (default ./runs)",
  },
  {
    name: "ports-from",
    type: "string",
    arg: "N",
    help: "fixed ports from N for the members (default: free ports)",
    kinds: {
      only: ["process", "container"],
      refusal: "does not apply to --cluster external: its members are --endpoints",
    },
  },
  {
    name: "cluster",
    type: "string",
    default: "process",
    arg: "K",
    help:
      "where etcd runs: process (default: local etcd processes), container (Docker containers through testcontainers, a network per run), external (a cluster you already have: node faults only, keys under a prefix of the run's own, removed afterwards)",
  },
  {
    name: "image",
    type: "string",
    arg: "IMG",
    help:
      "etcd image of --cluster container (default: the etcd-drills/etcd image built by deno task image when there is one, else the official image)",
    kinds: { only: ["container"] },
  },
  {
    name: "endpoints",
    type: "string",
    arg: "U,U",
    help: "client URLs of the members of --cluster external, e.g. https://etcd-1:2379",
    kinds: { only: ["external"] },
  },
  {
    name: "cacert",
    type: "string",
    arg: "F",
    help: "--cluster external over TLS: CA certificate (PEM) of the members",
    kinds: { only: ["external"] },
  },
  {
    name: "cert",
    type: "string",
    arg: "F",
    help: "--cluster external: client certificate (PEM), if it checks clients (with --key)",
    kinds: { only: ["external"] },
  },
  {
    name: "key",
    type: "string",
    arg: "F",
    help: "--cluster external: the client certificate's key (PEM)",
    kinds: { only: ["external"] },
  },
  {
    name: "user",
    type: "string",
    arg: "NAME",
    help:
      `--cluster external with auth enabled: the etcd user; its password comes from --password-file F or the ${PASSWORD_ENV} environment variable (never the command line)`,
    kinds: { only: ["external"] },
  },
  {
    name: "password-file",
    type: "string",
    arg: "F",
    help: "the password of --user (first line of F)",
    kinds: { only: ["external"] },
  },
  {
    name: "tls",
    type: "boolean",
    default: false,
    help:
      "process and container clusters: TLS on client and peer traffic, certificates from a CA the run makes (openssl)",
    kinds: {
      only: ["process", "container"],
      refusal:
        "sets up clusters the harness runs: an external cluster's TLS comes from --cacert (--cert, --key)",
    },
  },
  {
    name: "auth",
    type: "boolean",
    default: false,
    help:
      "process and container clusters: auth on; the harness keeps a root user to itself and each node connects as its own user, allowed only below the run's prefix",
    kinds: {
      only: ["process", "container"],
      refusal: "sets up clusters the harness runs: an external cluster's user comes from --user",
    },
  },
  {
    name: "auth-token-ttl",
    type: "string",
    arg: "S",
    help: "with --auth: etcd's --auth-token-ttl in seconds (etcd's default 300)",
    kinds: { only: ["process", "container"] },
  },
  {
    name: "allow-disruptive",
    type: "boolean",
    default: false,
    help:
      "--cluster external: also run the faults that change the cluster for every client through etcd's API (compact, defrag); refused without it",
    kinds: {
      only: ["external"],
      refusal: "is for --cluster external: on the clusters the harness runs every fault is allowed",
    },
  },
  {
    name: "expect",
    type: "boolean",
    default: false,
    arg: "[V]",
    help:
      'one run: exit 0 exactly when the verdict is V (valid or invalid), 1 when not, e.g. a CI job pinning "my lock survives pause-node"; with "all" (no V): exit 0 exactly when every verdict matches its expectation',
  },
  {
    name: "jobs",
    type: "string",
    arg: "N",
    runs: "all",
    help:
      `pairs run at once (default ${DEFAULT_JOBS}); pairs with node faults only share one cluster, each under its own key prefix; a pair with a member fault or compact, or of a scenario reading the whole cluster (discovery counts every lease), gets its own; 1: one by one, a cluster each`,
  },
  {
    name: "only",
    type: "string",
    arg: "S,S",
    runs: "all",
    help:
      "only these scenarios (lock) or pairs (lock/etcd3, as the table names them), in the table's order",
  },
  {
    name: "junit",
    type: "string",
    arg: "FILE",
    help: "also write the verdicts as JUnit XML (one test case per scenario × subject)",
  },
  {
    name: "slo",
    type: "string",
    arg: "OBJ,OBJ",
    help:
      "service-level objectives each fault window (and the time outside them) must keep, each a deciding check, e.g. 'write-gap<=3s,p99<=500ms,recovery<=5s'; figures: write-gap, read-gap, p50, p99, recovery (durations), error-rate (a percentage), leader-changes (a count); docs/checks.md",
  },
  {
    name: "dry-run",
    type: "boolean",
    default: false,
    help:
      'check every flag, the scenario, subject and faults, print the fault plan each run would carry out (with "all": every pair\'s), and start nothing',
  },
  { name: "quiet", type: "boolean", default: false, help: "no progress lines" },
  { name: "list", type: "boolean", default: false, help: "list scenarios, subjects and faults" },
  { name: "version", type: "boolean", default: false, help: "print the version" },
  { name: "help", type: "boolean", short: "h", default: false, help: "this help" },
] as const satisfies readonly FlagSpec[];

type Spec = typeof FLAGS[number];

/** The parsed flags: booleans and defaulted strings always present, other strings optional. */
export type Flags =
  & { [F in Spec as F["type"] extends "boolean" ? F["name"] : never]: boolean }
  & { [F in Spec as F extends { default: string } ? F["name"] : never]: string }
  & {
    [
      F in Spec as F["type"] extends "string" ? F extends { default: string } ? never : F["name"]
        : never
    ]?: string;
  }
  & {
    /** `--expect valid|invalid` of a single run (read before parseArgs: `--expect` alone is run all's). */
    expectVerdict?: "valid" | "invalid";
  };
