import type { KeyArchive } from "../history/key_archive.ts";
import type { Etcd3 } from "etcd3";
import type { Cluster } from "../cluster/cluster.ts";
import { HistoryWriter, wallClock } from "../history/writer.ts";
import type { NodeHandle } from "../node/node_handle.ts";
import type { Fault } from "../faults/fault.ts";
import type { ResolvedFaults } from "../faults/choices.ts";
import { resolveRunFaults } from "./fault_plan.ts";
import type { FaultChoice } from "../faults/schedule.ts";
import { onCleanup } from "../proc/cleanup.ts";
import { Progress } from "./progress.ts";
import { makeRunDir } from "./run_dir.ts";
import type { RunOptions } from "./options.ts";

/**
 * What one run holds from its first phase to its end: its directory,
 * history, key prefix, cluster, admin client and nodes. `close()` tears down
 * whatever of it exists (also on a Ctrl-C, through the clean-up registry).
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
  readonly nodes: NodeHandle[] = [];
  cluster: Cluster | undefined;
  admin: Etcd3 | undefined;
  /** etcd's record of the run's keys as it was before each compaction a fault made. */
  archive: KeyArchive | undefined;
  /** Stops the cluster probe (lib/runner/probe.ts) once the workload started it. */
  stopProbe: () => void = () => {};
  #keysRemoved = false;
  #forget: (() => void)[] = [];

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
    // On a Ctrl-C the keys of a cluster the harness started (the run's own, or run all's shared
    // one) go with it, and it may be gone already: only an operator's cluster needs them deleted.
    const ownCluster = (o.cluster?.kind ?? "process") !== "external";
    this.#forget.push(
      onCleanup("run keys", () => ownCluster ? undefined : this.removeKeys()),
      onCleanup("nodes", () => this.disposeNodes()),
    );
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

  /** The members' client URLs. */
  get clientUrls(): string[] {
    return this.cluster!.members.map((m) => m.clientUrl);
  }

  /** Deletes the run's keys (once it succeeded, never again). */
  async removeKeys(): Promise<void> {
    if (!this.admin || this.#keysRemoved) return;
    await this.admin.delete().prefix(this.prefix).exec(); // the admin client's deadline per attempt
    this.#keysRemoved = true;
  }

  /** Kills every node process (idempotent). */
  async disposeNodes(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.dispose()));
  }

  /** Tears down what the run made: nodes, keys, admin client, its own cluster, the history. */
  async close(): Promise<void> {
    this.progress.done();
    this.stopProbe();
    await this.disposeNodes();
    await this.removeKeys().catch(() => {});
    for (const forget of this.#forget) forget();
    this.admin?.close();
    if (!this.o.sharedCluster) await this.cluster?.stop();
    this.history.close();
  }
}
