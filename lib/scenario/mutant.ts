/**
 * A mutant: a small, realistic defect applied to a reference subject, as a
 * subject module (`--subject ./scenarios/lock/mutants/unfenced_write.ts`) with
 * one change. Each runs with a pinned seed and duration under the scenario's
 * faults (or the ones named); one whose defect cannot change what the workload
 * observes is marked equivalent with the reason, and is run all the same (it
 * must then come out valid). A scenario lists its own in `mutants/mod.ts`.
 */

/** One mutant of the catalogue. */
export interface Mutant {
  /** Short unique name, e.g. `queue-unguarded-claim`. */
  name: string;
  scenario: string;
  /** The module's URL (a subject module with the one defect). */
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
