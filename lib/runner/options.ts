import type { Scenario } from "../scenario/scenario.ts";
import type { Cluster } from "../cluster/cluster.ts";
import type { ClusterSettings } from "../cluster/create.ts";
import type { PlannedFault } from "../faults/schedule.ts";
import type { FaultCatalogue } from "../faults/catalogue.ts";
import type { Slo } from "../report/cost/slo.ts";

/** Everything a run needs; the CLI fills it from flags and the scenario's defaults. */
export interface RunOptions {
  /** The scenario to drill (the default export of `scenarioUrl`). */
  scenario: Scenario;
  /** URL of the scenario module (node processes import it). */
  scenarioUrl: string;
  /** The subject under test: a built-in name, a module's path, or `exec:CMD`. */
  subject: string;
  /** How many members the run starts: 1, 3 or 5 (process, container). */
  members: number;
  /** undefined: the scenario's default layout. */
  nodes?: number;
  /** The workload's length, ms; every fault heals before it ends. */
  durationMs: number;
  /** Fault names, "all" or "none", resolved through {@link catalogue}. */
  faults: string[];
  /** The faults the run may name: chaos/'s built-in kinds and the plugins loaded (the CLI's `CATALOGUE`). */
  catalogue: FaultCatalogue;
  /** Mean gap between fault starts, ms. */
  faultIntervalMs: number;
  /** An exact schedule (--faults-file), used instead of one drawn from the seed; it names its faults. */
  faultPlan?: PlannedFault[];
  /**
   * Seeds the fault plan, its targets and the nodes' generators: a run with
   * the same seed draws the same.
   */
  seed: number;
  /** Lease TTL, seconds. */
  ttl: number;
  /** Where run directories go. */
  outDir: string;
  /** Fixed ports for the cluster from here (process, container); absent: free ones. */
  portsFrom?: number;
  /** The cluster kind and its own settings (default: a process cluster). */
  cluster?: ClusterSettings;
  /**
   * A running cluster other runs use too (`run all --jobs`): the run neither
   * starts nor stops it, takes node faults only (its members are not the
   * run's to fault) and leaves the members' convergence to the caller, who
   * checks it once every run on the cluster has ended.
   */
  sharedCluster?: Cluster;
  /** Extra scenario params (override the scenario's defaults). */
  params?: Record<string, unknown>;
  /** Progress lines on stderr. */
  progress?: boolean;
  /** Objectives over what each fault cost (`--slo`, lib/report/cost/slo.ts): deciding checks. */
  slo?: readonly Slo[];
}
