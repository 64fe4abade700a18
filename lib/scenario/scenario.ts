import type { Etcd3 } from "../cluster/etcd3_types.ts";
import type { Checker } from "../checks/checker.ts";
import type { ProgressSpec } from "../checks/progress.ts";
import type { NodeContext } from "../node/context.ts";
import type { SubjectShape } from "../node/subject_shape.ts";

/** What one node runs, in its own process. */
export type RoleFn = (ctx: NodeContext) => Promise<void>;

/** One fault of an expectation's exact plan, as in a `--faults-file` (targets come from the seed). */
export interface ExpectedFault {
  /** ms after the workload starts. */
  at: number;
  /** The fault's name. */
  fault: string;
  /** How long it holds, ms (default: the fault's shortest hold). */
  holdMs?: number;
}

/** The seed and duration of an expectation that does not pin them. */
export const EXPECTATION_DEFAULTS = { seed: 1, durationMs: 30_000 } as const;

/**
 * The verdict a scenario expects for a subject under a fault set
 * (`run all --expect`), with what makes it come out the same on every run:
 * a pinned seed (it draws the plan and its targets), a duration no longer
 * than the verdict needs, and optionally the exact plan (the breaking fault
 * early) instead of one drawn from the seed.
 */
export interface Expectation {
  /** The subject the run drills. */
  subject: string;
  /** The faults (with `plan`: the names it uses). */
  faults: string[];
  /** The verdict expected: true valid, false INVALID. */
  valid: boolean;
  /**
   * Seed of the fault plan and its targets. Every built-in expectation pins
   * one; a plugin's may leave it out (seed 1, so it is still the same every run).
   */
  seed?: number;
  /** Workload length, ms (default 30 s). */
  durationMs?: number;
  /** Mean gap between fault starts, ms (default 3000). */
  faultIntervalMs?: number;
  /** An exact schedule instead of one drawn from the seed. */
  plan?: ExpectedFault[];
}

/**
 * A use case to drill: the default export of a scenario module (built-in or a
 * user's plugin). The same module is loaded by the runner (layout, final
 * reads, checkers) and by every node process (roles), so it must not do
 * anything when imported.
 */
export interface Scenario {
  /** Its name: the CLI calls a built-in scenario by it; run directories and reports carry it. */
  name: string;
  /** One line on the use case, as `list` shows it. */
  description: string;
  /** Implementations under test: name → one-line description. */
  subjects: Record<string, string>;
  /** The subject a run drills when --subject is not given. */
  defaultSubject: string;
  /**
   * The shape of a subject's default export, for users' modules
   * (`--subject ./mine.ts`); absent: the scenario takes only built-in subjects.
   * Roles pick their subject with `subjectOf` from lib/subjects/pick.ts.
   */
  subjectShape?: SubjectShape;
  /**
   * Where the line protocol of this scenario's `exec:` subjects is documented;
   * absent: the scenario takes no programs as subjects.
   */
  execProtocol?: string;
  /** Role name → the function a node of that role runs. */
  roles: Record<string, RoleFn>;
  /** The role of each node, in order (node ids n1, n2, …), for `nodes` nodes (undefined: the default). */
  layout(nodes: number | undefined): string[];
  /** Faults used when --faults is not given. */
  defaultFaults: string[];
  /** Settings passed to every node (ctx.params) and to checkers. */
  params?: Record<string, unknown>;
  /** Verdicts this scenario must give; `run all` runs each one. */
  expectations: Expectation[];
  /**
   * Why a run of this scenario cannot share a cluster with other runs (`run all
   * --jobs`), e.g. a check that counts every lease in etcd; absent: it can,
   * when its faults are node faults (its keys live under a prefix of its own).
   */
  needsOwnCluster?: string;
  /** Reads what the checkers need from etcd after heal and quiesce (keys live below `prefix`). */
  finalReads?(client: Etcd3, prefix: string): Promise<unknown>;
  /** The checks that judge a run; each gets the history and the final reads. */
  checkers: Checker[];
  /**
   * The main operations that must keep completing in a quiet window, for
   * the `progress` check the runner adds to every scenario, e.g. `{ ops:
   * ["acquire"] }`; absent: every operation the nodes invoke.
   */
  progress?: ProgressSpec;
}
