/**
 * etcd-drills: the public API for plugin authors and for users drilling
 * their own code. A plugin is a module whose default export is a
 * {@link Scenario}: roles (run in node processes), a layout, final reads
 * and checkers. Run it with `deno task run ./plugin.ts`. A subject module is
 * one whose default export has a built-in scenario's subject shape (for
 * lock, a {@link LockSubjectFactory}); run it with
 * `deno task run lock --subject ./my_lock.ts`. A fault plugin is a module
 * whose default export is a {@link Fault}; name it in
 * `--faults ./my_fault.ts` (README, "Faults as plugins").
 *
 * @module
 */
export type { Expectation, ExpectedFault, RoleFn, Scenario } from "./lib/scenario/scenario.ts";
export { fail, NodeContext, ok } from "./lib/node/context.ts";
export type { Outcome } from "./lib/node/context.ts";
export type {
  Checker,
  CheckInput,
  CheckResult,
  NamedResult,
  Validity,
} from "./lib/checks/checker.ts";
export type { BuiltinChecker, Exercise, JudgedResult } from "./lib/checks/checker.ts";
export { overall, runCheckers } from "./lib/checks/checker.ts";
export { progressChecker } from "./lib/checks/progress.ts";
export type { ProgressSpec } from "./lib/checks/progress.ts";
export type {
  Completion,
  FaultEvent,
  FaultWindow,
  HistoryEvent,
  NodeEvent,
  Operation,
  OpEvent,
  PhaseEvent,
  ProbeEvent,
  WatchedChange,
  WatchEvent,
} from "./lib/history/event.ts";
export type {
  KvLike,
  WatchEventLike,
  WatchLog,
  WatchRange,
  WatchRecorder,
  WatchResponseLike,
} from "./lib/history/watch_record.ts";

export { faultWindows, operations } from "./lib/history/event.ts";
export { readHistory } from "./lib/history/writer.ts";
export { counterChecker } from "./scenarios/lock/checks/counter.ts";
export { overlapChecker } from "./scenarios/lock/checks/overlap.ts";
export { regrantChecker } from "./lib/checks/regrant.ts";
export { holdIntervals } from "./lib/checks/holds.ts";
export type { HoldInterval } from "./lib/checks/holds.ts";
export { Session } from "./lib/recipes/session.ts";
export { FencedMutex, LockLostError } from "./scenarios/lock/fenced_mutex.ts";
export type { Hold } from "./scenarios/lock/fenced_mutex.ts";
export { waitDelete } from "./lib/recipes/wait_delete.ts";
export { runScenario } from "./lib/runner/run.ts";
export type { RunOptions, RunResult } from "./lib/runner/run.ts";
export { CLUSTER_KINDS } from "./lib/cluster/create.ts";
export type { ClusterKind, ClusterOptions, ClusterSettings } from "./lib/cluster/create.ts";
export type { ConnectOptions } from "./lib/cluster/connect.ts";
export type { ActiveFault, Fault, FaultAim, FaultCapabilities, World } from "./chaos/mod.ts";
export { CATALOGUE, faultProblem, FAULTS } from "./chaos/mod.ts";
export type { FaultCatalogue } from "./lib/faults/catalogue.ts";
export type { FaultChoice, PlannedFault, UnfitFault } from "./lib/faults/schedule.ts";
export type { Slo, SloFigure } from "./lib/report/cost/slo.ts";
export { SLO_FIGURES } from "./lib/report/cost/slo.ts";
export type {
  FaultCost,
  Gap,
  LatencyFigures,
  Recovery,
  WindowCost,
} from "./lib/report/cost/fault_cost.ts";
export type { Election } from "./lib/report/cost/member_elections.ts";
export type { ErrorCount } from "./lib/report/error_summary.ts";
export { holdMembers } from "./chaos/member_targets.ts";
export type { MemberAction } from "./chaos/member_targets.ts";
export type { Cluster, MemberControl, MemberInfo } from "./lib/cluster/cluster.ts";
export type { SnapshotInfo } from "./lib/cluster/snapshot.ts";
export type { NodeHandle } from "./lib/node/node_handle.ts";
export type { NodeProxy } from "./lib/net/node_proxy.ts";

// etcd3's own types, as the signatures above name them (lib/cluster/etcd3_types.ts: why aliases).
export type {
  Etcd3,
  IOptions,
  IRequestOp,
  ITxnResponse,
  Lease,
} from "./lib/cluster/etcd3_types.ts";

// Subjects: the shapes a user's module (--subject ./mine.ts) implements, one per scenario.
export { subjectOf } from "./lib/subjects/pick.ts";
export type { SubjectChoices } from "./lib/subjects/pick.ts";
export type { SubjectRef } from "./lib/node/subject_ref.ts";
export { SubjectShapeError } from "./lib/node/subject_shape.ts";
export type { SubjectShape } from "./lib/node/subject_shape.ts";
export { ExecChannel, ExecUnknownError } from "./lib/subjects/exec_channel.ts";
export type { ExecChannelOptions } from "./lib/subjects/exec_channel.ts";
export type { ExecAnswer, ExecCall, ExecEvent } from "./lib/subjects/exec_messages.ts";
export { LOCK_SHAPE } from "./scenarios/lock/subject.ts";
export type { CounterRead, LockSubject, LockSubjectFactory } from "./scenarios/lock/subject.ts";
export { DISCOVERY_SHAPE } from "./scenarios/discovery/subject.ts";
export type {
  DiscovererSubject,
  DiscoverySubject,
  ServiceInfo,
  ServiceSubject,
} from "./scenarios/discovery/subject.ts";
export { LB_SHAPE } from "./scenarios/load_balancing/subject.ts";
export type { LbSubject } from "./scenarios/load_balancing/subject.ts";
export type { AddressFeed, ResolvedAddresses } from "./scenarios/load_balancing/grpc_resolver.ts";
export { MONITOR_SHAPE } from "./scenarios/monitoring/subject.ts";
export type { MonitorFactory, MonitorSubject, Transition } from "./scenarios/monitoring/subject.ts";
export { BARRIER_SHAPE } from "./scenarios/barrier/subject.ts";
export type {
  BarrierKeys,
  BarrierSubject,
  BarrierSubjectFactory,
  BarrierSubjectOptions,
} from "./scenarios/barrier/subject.ts";
export type { SessionSource } from "./scenarios/barrier/double_barrier_recipe.ts";
export { ELECTION_SHAPE } from "./scenarios/election/subject.ts";
export type {
  ElectionSubject,
  ElectionSubjectFactory,
  ElectionSubjectOptions,
  SeenLeader,
} from "./scenarios/election/subject.ts";
export type { OpSource } from "./lib/recipes/atomic.ts";
export { messageId, PUBSUB_SHAPE } from "./scenarios/pubsub/subject.ts";
export type {
  Message,
  Publisher,
  PubSubKeys,
  PubSubSubject,
  Subscriber,
} from "./scenarios/pubsub/subject.ts";
export { jobKey, NOTIFICATION_SHAPE, parseJob } from "./scenarios/notification/subject.ts";
export type {
  JobState,
  NotificationSubject,
  NotificationSubjectFactory,
  Observe,
} from "./scenarios/notification/subject.ts";
export { itemId, QUEUE_SHAPE } from "./scenarios/queue/subject.ts";
export type { Item, QueueSubject, QueueSubjectFactory } from "./scenarios/queue/subject.ts";
