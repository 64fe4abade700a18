/**
 * A running etcd cluster behind one interface. Scenarios see only client
 * URLs; faults use the member controls, which a kind may not offer.
 */
import type { ConnectOptions } from "./connect.ts";
import type { SnapshotInfo } from "./snapshot.ts";

/** One member as the harness knows it. */
export interface MemberInfo {
  /** Harness name: m1, m2, … */
  name: string;
  /** The URL clients use to reach this member directly. */
  clientUrl: string;
}

/** Member-side controls a cluster kind may offer to faults. */
export interface MemberControl {
  /** SIGKILLs the member; it stays down until `restart`. */
  kill(name: string): Promise<void>;
  /** Starts the member again on its data dir (killing it first if it runs). */
  restart(name: string): Promise<void>;
  /** SIGSTOPs the member: it holds its connections but answers nothing. */
  pause(name: string): Promise<void>;
  /** SIGCONTs a paused member. */
  resume(name: string): Promise<void>;
  /**
   * Cuts the links between the given member pairs (symmetric); links not
   * listed are restored. An empty list heals every cut. A cut link holds
   * what is sent over it and delivers it at the heal; `drop` makes the cut a
   * blackhole that loses it (the process cluster's proxies; both when
   * cutting and when healing a dropping cut).
   */
  cutLinks(pairs: [string, string][], o?: { drop?: boolean }): Promise<void>;
  /** Adds one-way delay to every member-to-member link (0 removes it). */
  delayLinks(delayMs: number, jitterMs: number): Promise<void>;
  /**
   * Stops a member as an operator does before an upgrade: SIGTERM, SIGKILL
   * if it has not exited after `graceMs`. `restart` starts it again.
   */
  terminate(name: string, graceMs: number): Promise<void>;
  /**
   * Takes a member out of the cluster as an operator does with a dead
   * machine: stops it (SIGKILL), removes it through the cluster API (member
   * remove, via a member that serves) and wipes its data dir. It stays in
   * `members` under its name and client URL, not serving, until `addBack`.
   * Resolves with the removed member's id (decimal).
   */
  remove(name: string): Promise<string>;
  /**
   * Adds a fresh member in place of one `remove` took out (member add, then
   * started on an empty data dir with `--initial-cluster-state existing`),
   * on the same name, client URL and peer URL, so node proxies reach it
   * unchanged. Resolves with its new id once it is started (not yet serving).
   */
  addBack(name: string): Promise<string>;
  /**
   * Saves a snapshot of one member's backend (etcdctl snapshot save) into a
   * file the cluster owns and removes at stop. Absent where the kind cannot.
   */
  saveSnapshot?(name: string): Promise<SnapshotInfo>;
  /**
   * Restores the whole cluster from a snapshot as an operator does: stops
   * every member (SIGKILL), restores each into a fresh data dir (etcdctl snapshot
   * restore with its name, the initial cluster and its peer URL) and starts
   * them on the same URLs. Resolves once they are started (not yet serving).
   */
  restoreAll?(snapshot: SnapshotInfo): Promise<void>;
}

/** A cluster of any kind. */
export interface Cluster {
  /** The cluster kind: `process`, `container` or `external`. */
  readonly kind: string;
  /** Its members, as the harness names them (m1, m2, …; e1, e2, … on an external cluster). */
  readonly members: readonly MemberInfo[];
  /** The members' `--quota-backend-bytes`, where the harness set one (process, container). */
  readonly quotaBackendBytes?: number;
  /** The members' `--snapshot-count`, where the harness set one (for lag-until-snapshot). */
  readonly snapshotCount?: number;
  /** Present where the kind can fault its members. */
  readonly control?: MemberControl;
  /** Resolves when a linearizable read succeeds through every member, or throws after `timeoutMs`. */
  waitReady(timeoutMs: number): Promise<void>;
  /** The name of the current raft leader, if one is known. */
  leader(): Promise<string | undefined>;
  /**
   * How the harness itself connects, where plain HTTP is not enough: the
   * run's CA with --tls, root with --auth, the operator's settings on an
   * external cluster.
   */
  readonly access?: ConnectOptions;
  /**
   * With auth that the harness set up: makes one user per node, allowed to
   * read and write only below `prefix`; their credentials by node id.
   */
  usersFor?(
    prefix: string,
    nodes: readonly string[],
  ): Promise<Record<string, { username: string; password: string }>>;
  /** Stops every member and removes what the cluster made; idempotent. */
  stop(): Promise<void>;
}
