/**
 * etcd-drills: the public API for plugin authors. A plugin is a module whose
 * default export is a {@link Scenario}: roles (run in node processes), a
 * layout, final reads and checkers. Run it with `deno task run ./plugin.ts`.
 * A fault plugin is a module whose default export is a {@link Fault}; name it
 * in `--faults ./my_fault.ts` (README, "Faults as plugins").
 *
 * @module
 */
export type { Expectation, RoleFn, Scenario } from "./lib/scenario.ts";
export { fail, NodeContext, ok } from "./lib/node/context.ts";
export type { Outcome } from "./lib/node/context.ts";
export type {
  Checker,
  CheckInput,
  CheckResult,
  NamedResult,
  Validity,
} from "./lib/checkers/checker.ts";
export { overall, runCheckers } from "./lib/checkers/checker.ts";
export type {
  Completion,
  FaultEvent,
  FaultWindow,
  HistoryEvent,
  NodeEvent,
  Operation,
  OpEvent,
} from "./lib/history/event.ts";
export { faultWindows, operations } from "./lib/history/event.ts";
export { readHistory } from "./lib/history/writer.ts";
export { counterChecker } from "./lib/checkers/counter.ts";
export { overlapChecker } from "./lib/checkers/overlap.ts";
export { regrantChecker } from "./lib/checkers/regrant.ts";
export { holdIntervals } from "./lib/checkers/holds.ts";
export { Session } from "./lib/recipes/session.ts";
export { FencedMutex, LockLostError } from "./lib/recipes/fenced_mutex.ts";
export { waitDelete } from "./lib/recipes/wait_delete.ts";
export { runScenario } from "./lib/runner/run.ts";
export type { RunOptions, RunResult } from "./lib/runner/run.ts";
export type { ClusterKind, ClusterOptions } from "./lib/cluster/create.ts";
export type { ConnectOptions } from "./lib/cluster/connect.ts";
export type { ActiveFault, Fault, FaultCapabilities, World } from "./chaos/mod.ts";
export { faultProblem, FAULTS } from "./chaos/mod.ts";
export { holdMembers } from "./chaos/member_targets.ts";
export type { MemberAction } from "./chaos/member_targets.ts";
export type { Cluster, MemberControl, MemberInfo } from "./lib/cluster/cluster.ts";
export type { NodeHandle } from "./lib/node/node_handle.ts";
