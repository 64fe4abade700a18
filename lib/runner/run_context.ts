import { HistoryWriter, wallClock } from "../history/writer.ts";
import type { Fault } from "../faults/fault.ts";
import type { ResolvedFaults } from "../faults/choices.ts";
import { resolveRunFaults } from "./fault_plan.ts";
import type { FaultChoice } from "../faults/schedule.ts";
import { Progress } from "./progress.ts";
import { makeRunDir } from "./run_dir.ts";
import type { RunOptions } from "./options.ts";

/**
 * What a run is before anything starts, and holds to its end: its options,
 * its faults resolved for the cluster kind, its directory, history and key
 * prefix. The setup phase starts the rest (lib/runner/started_run.ts).
 */
export class RunContext {
  readonly o: RunOptions;
  /** The faults of the run, refused before anything starts if the cluster cannot do them. */
  readonly faults: Fault[];
  /** The faults as named (with the role each aims at), what the plan draws from. */
  readonly choices: FaultChoice[];
  /** The choices that must run: all of them, but none of a `--faults all` draw. */
  readonly promised: FaultChoice[];
  readonly dir: string;
  readonly history: HistoryWriter;
  readonly progress: Progress;
  readonly started: Date;
  readonly origin: number;
  readonly ttlMs: number;
  readonly params: Record<string, unknown>;
  /** Every key of the run lives below this prefix; it is removed at the end. */
  readonly prefix: string;

  private constructor(
    o: RunOptions,
    named: ResolvedFaults,
    dir: string,
    history: HistoryWriter,
    at: {
      started: Date;
      origin: number;
    },
  ) {
    this.o = o;
    this.faults = named.faults;
    this.choices = named.choices;
    this.promised = named.promised;
    this.dir = dir;
    this.history = history;
    this.started = at.started;
    this.origin = at.origin;
    this.progress = new Progress(o.progress ?? false, o.scenario.name, o.subject, o.durationMs);
    this.ttlMs = o.ttl * 1000;
    this.params = { ...o.scenario.params, ...o.params };
    // On an operator's cluster, or one shared with other runs, nothing else is touched.
    this.prefix = `/drills/${o.scenario.name}/${at.started.getTime().toString(36)}-${
      crypto.randomUUID().slice(0, 8)
    }/`;
  }

  /** Refuses faults the cluster cannot do, then makes the run directory and opens the history. */
  static async open(o: RunOptions): Promise<RunContext> {
    const named = await resolveRunFaults(o);
    const started = new Date();
    const origin = wallClock();
    const dir = await makeRunDir(o.outDir, o.scenario.name, o.subject, o.seed, started);
    const history = await HistoryWriter.open(`${dir}/history.ndjson`, origin);
    return new RunContext(o, named, dir, history, { started, origin });
  }

  /** Marks the start of a phase in the history and on the progress line. */
  phase(name: string): void {
    this.history.append({ kind: "phase", phase: name, time: this.history.now() });
    this.progress.phase(name);
  }

  /** Closes what the run opened: its progress line and its history. */
  close(): void {
    this.progress.done();
    this.history.close();
  }
}
