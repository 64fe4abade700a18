/**
 * The mutants: small, realistic defects applied to the reference subjects,
 * each a subject module (`--subject ./mutants/x.ts`) with one change. Each
 * runs with a pinned seed and duration under the scenario's faults (or the
 * ones named); one whose defect cannot change what the workload observes is
 * marked equivalent with the reason, and is run all the same (it must then
 * come out valid).
 */

/** One mutant of the catalogue. */
export interface Mutant {
  /** Short unique name, e.g. `queue-unguarded-claim`. */
  name: string;
  scenario: string;
  /** The module, relative to this folder. */
  module: string;
  /** The defect in one line. */
  defect: string;
  /** Faults to run under (default: the scenario's). */
  faults?: string[];
  seed: number;
  /** Workload length, seconds. */
  durationS: number;
  /** Why the defect cannot show in this workload, when it cannot. */
  equivalent?: string;
  /** Part of the fast subset the test suite runs. */
  fast?: boolean;
}

/** Every mutant, by scenario. */
export const MUTANTS: Mutant[] = [
  {
    name: "discovery-drop-event",
    scenario: "discovery",
    module: "../scenarios/discovery/mutants/drop_event.ts",
    defect: "the discoverer silently drops one watch event in four",
    seed: 12,
    durationS: 20,
  },
  {
    name: "discovery-ignores-deletes",
    scenario: "discovery",
    module: "../scenarios/discovery/mutants/ignores_deletes.ts",
    defect: "the discoverer applies puts but drops every delete",
    seed: 12,
    durationS: 20,
  },
  {
    name: "discovery-ignores-updates",
    scenario: "discovery",
    module: "../scenarios/discovery/mutants/ignores_updates.ts",
    defect: "the discoverer ignores a put on a key it already holds (no re-check of the value)",
    seed: 12,
    durationS: 20,
    equivalent:
      "a service's value never changes under its key (one host:port per incarnation), so a dropped update re-puts the value the view already holds",
  },
  {
    name: "lock-unfenced-write",
    scenario: "lock",
    module: "../scenarios/lock/mutants/unfenced_write.ts",
    defect: "the counter write drops the fence on the lock key's create revision",
    faults: ["pause-node"],
    seed: 12,
    durationS: 20,
  },
  {
    name: "lock-fence-on-mod-revision",
    scenario: "lock",
    module: "../scenarios/lock/mutants/fence_on_mod_revision.ts",
    defect: "the fence compares the lock key's mod revision instead of its create revision",
    faults: ["pause-node"],
    seed: 12,
    durationS: 20,
    equivalent:
      "the lock key is written once, at its creation, and never modified: its mod revision is its create revision",
  },
  {
    name: "queue-unguarded-claim",
    scenario: "queue",
    module: "../scenarios/queue/mutants/unguarded_claim.ts",
    defect: "the claim deletes the item without the guard on its mod revision",
    seed: 3,
    durationS: 15,
    fast: true,
  },
  {
    name: "queue-newest-first",
    scenario: "queue",
    module: "../scenarios/queue/mutants/newest_first.ts",
    defect: "the head is read newest first (sort order flipped)",
    seed: 3,
    durationS: 15,
  },
  {
    name: "notification-early-return",
    scenario: "notification",
    module: "../scenarios/notification/mutants/early_return.ts",
    defect:
      "the watcher returns on the first state it sees, without re-checking that the job is done",
    seed: 4,
    durationS: 15,
  },
  {
    name: "notification-watch-from-now",
    scenario: "notification",
    module: "../scenarios/notification/mutants/watch_from_now.ts",
    defect: "the watcher watches from now and never reads the key first or again",
    seed: 4,
    durationS: 15,
  },
  {
    name: "notification-header-revision",
    scenario: "notification",
    module: "../scenarios/notification/mutants/header_revision.ts",
    defect:
      "the watcher reports a state it read at the read's header revision, not the key's mod revision",
    seed: 4,
    durationS: 15,
  },
  {
    name: "lb-resolver-frozen",
    scenario: "load-balancing",
    module: "../scenarios/load_balancing/mutants/resolver_frozen.ts",
    defect: "the resolver reads the registry until it finds a server, then never applies the watch",
    seed: 5,
    durationS: 20,
  },
  {
    name: "lb-resolver-drops-deletes",
    scenario: "load-balancing",
    module: "../scenarios/load_balancing/mutants/resolver_drops_deletes.ts",
    defect: "the resolver applies puts but drops delete events",
    seed: 5,
    durationS: 20,
  },
  {
    name: "monitoring-ignores-deletes",
    scenario: "monitoring",
    module: "../scenarios/monitoring/mutants/ignores_deletes.ts",
    defect: "the monitor drops the delete events of heartbeat keys",
    faults: ["kill-node"],
    seed: 6,
    durationS: 20,
  },
  {
    name: "monitoring-double-grace",
    scenario: "monitoring",
    module: "../scenarios/monitoring/mutants/double_grace.ts",
    defect: "the monitor waits one more TTL before reporting a vanished heartbeat down",
    faults: ["kill-node"],
    seed: 6,
    durationS: 20,
  },
  {
    name: "pubsub-drops-watch-event",
    scenario: "pubsub",
    module: "../scenarios/pubsub/mutants/drops_watch_event.ts",
    defect: "the subscriber's watch loses one event in ten (a dropped event)",
    seed: 8,
    durationS: 15,
  },
  {
    name: "pubsub-stale-revision",
    scenario: "pubsub",
    module: "../scenarios/pubsub/mutants/stale_revision.ts",
    defect: "the publisher acknowledges with the revision of a read taken before its put",
    seed: 8,
    durationS: 15,
  },
  {
    name: "election-unfenced-write",
    scenario: "election",
    module: "../scenarios/election/mutants/unfenced_write.ts",
    defect: "the leader-only write guards on the wrong key, a check that always holds (unguarded)",
    seed: 9,
    durationS: 20,
  },
  {
    name: "election-observer-newest",
    scenario: "election",
    module: "../scenarios/election/mutants/observer_newest.ts",
    defect: "the observer takes the newest candidate for the leader (sort order flipped)",
    seed: 9,
    durationS: 20,
  },
  {
    name: "barrier-condition-reread",
    scenario: "barrier",
    module: "../scenarios/barrier/mutants/condition_reread.ts",
    defect: "the condition wait reports the revision of a later read, not the one it decided on",
    seed: 10,
    durationS: 20,
  },
  {
    name: "barrier-enter-no-wait",
    scenario: "barrier",
    module: "../scenarios/barrier/mutants/enter_no_wait.ts",
    defect: "entering the double barrier does not wait for the others",
    seed: 10,
    durationS: 20,
  },
];
