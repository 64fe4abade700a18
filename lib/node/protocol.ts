/**
 * What a node process and the runner say to each other. The node writes one
 * JSON message a line on stdout; the runner writes commands on its stdin.
 * Timestamps are wall-clock ms (see wallClock), one clock for every process.
 */
import type { ConnectOptions } from "../cluster/connect.ts";
import type { WatchEvent } from "../history/event.ts";

/** Everything a node needs to start, passed in the DRILLS_NODE environment variable. */
export interface NodeConfig {
  /** URL of the scenario module that holds the role. */
  scenario: string;
  role: string;
  /** The --subject as given: a built-in name, a module's path or URL, or `exec:CMD`. */
  subject: string;
  node: string;
  incarnation: number;
  /** Client URLs of the node's proxies, one per member. */
  endpoints: string[];
  /** Key prefix of this run; every key a scenario writes lives below it. */
  prefix: string;
  /** Lease TTL in seconds. */
  ttl: number;
  seed: number;
  /** Scenario-specific settings, from the scenario's defaults and the CLI. */
  params: Record<string, unknown>;
  /** TLS and auth of an operator's cluster (--cluster external); absent for a plain one. */
  connect?: ConnectOptions;
}

/** A line a node writes on stdout. */
export type NodeMessage =
  | {
    t: "op";
    type: "invoke" | "ok" | "fail" | "info";
    op: number;
    f: string;
    value?: unknown;
    revision?: number;
    error?: string;
    wall: number;
  }
  | { t: "state"; state: Record<string, unknown>; wall: number }
  /** A response one of the node's watches received (see `WatchEvent` in lib/history/event.ts). */
  | ({ t: "watch"; wall: number } & Omit<WatchEvent, "kind" | "node" | "incarnation" | "time">)
  | { t: "ready"; wall: number }
  /** The node cannot run its subject (a module that does not fit its shape): the run stops, exit 2. */
  | { t: "fatal"; error: string; wall: number };

/** A line the runner writes on a node's stdin. */
export type RunnerCommand = { cmd: "stop" };

/** The environment variable that carries the {@link NodeConfig}. */
export const NODE_CONFIG_ENV = "DRILLS_NODE";
