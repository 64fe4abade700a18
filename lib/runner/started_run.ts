import type { Etcd3 } from "etcd3";
import type { Cluster } from "../cluster/cluster.ts";
import { KeyArchive } from "../history/key_archive.ts";
import type { NodeHandle } from "../node/node_handle.ts";
import { onCleanup } from "../proc/cleanup.ts";
import { startProbe } from "./probe.ts";
import type { RunContext } from "./run_context.ts";

/**
 * What the setup phase made and the later phases use: the started cluster
 * (the run's own, or run all's shared one), the admin client, etcd's record
 * of the run's keys, and the nodes. `close()` tears it down, and a Ctrl-C
 * does too, through the clean-up registry.
 */
export class StartedRun {
  /** The nodes of the scenario's layout, in order (n1, n2, …). */
  readonly nodes: NodeHandle[] = [];
  /** etcd's record of the run's keys as it was before each compaction a fault made. */
  readonly archive: KeyArchive;
  #keysRemoved = false;
  #stopProbe: () => void = () => {};
  #forget: (() => void)[];

  constructor(
    readonly run: RunContext,
    readonly cluster: Cluster,
    readonly admin: Etcd3,
  ) {
    this.archive = new KeyArchive(admin, run.prefix);
    // On a Ctrl-C the keys of a cluster the harness started (the run's own, or run all's shared
    // one) go with it, and it may be gone already: only an operator's cluster needs them deleted.
    const ownCluster = cluster.kind !== "external";
    this.#forget = [
      onCleanup("run keys", () => ownCluster ? undefined : this.removeKeys()),
      onCleanup("nodes", () => this.disposeNodes()),
    ];
  }

  /** The members' client URLs. */
  get clientUrls(): string[] {
    return this.cluster.members.map((m) => m.clientUrl);
  }

  /** Starts the cluster probe (lib/runner/probe.ts) for the rest of the run. */
  startProbe(): void {
    this.#stopProbe = startProbe(this.clientUrls, this.run.prefix, this.run.history);
  }

  /** Stops the cluster probe (idempotent). */
  stopProbe(): void {
    this.#stopProbe();
    this.#stopProbe = () => {};
  }

  /** Deletes the run's keys (once it succeeded, never again). */
  async removeKeys(): Promise<void> {
    if (this.#keysRemoved) return;
    await this.admin.delete().prefix(this.run.prefix).exec(); // the admin client's deadline per attempt
    this.#keysRemoved = true;
  }

  /** Kills every node process (idempotent). */
  async disposeNodes(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.dispose()));
  }

  /** Tears down what setup made: probe, nodes, keys, admin client, the run's own cluster. */
  async close(): Promise<void> {
    this.stopProbe();
    await this.disposeNodes();
    await this.removeKeys().catch(() => {});
    for (const forget of this.#forget) forget();
    this.admin.close();
    if (!this.run.o.sharedCluster) await this.cluster.stop();
  }
}
