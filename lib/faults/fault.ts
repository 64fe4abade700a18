import type { Etcd3 } from "../cluster/etcd3_types.ts";
import type { Cluster } from "../cluster/cluster.ts";
import type { NodeHandle } from "../node/node_handle.ts";

/** What a fault can act on. Scenarios never see it: every fault works on every scenario. */
export interface World {
  /** The cluster under test, with its member controls where the kind offers them. */
  cluster: Cluster;
  /** The run's nodes: a node fault picks its targets among them. */
  nodes: readonly NodeHandle[];
  /** A client straight to the members, for faults that act through etcd (e.g. revoking a lease). */
  admin: Etcd3;
  /** The run's lease TTL, ms. */
  ttlMs: number;
  /** Node ids a running fault already holds; a fault picks others. */
  busyNodes: Set<string>;
  /**
   * Members a running member fault holds. Two member faults at once can leave
   * no quorum, so a member fault refuses while this is not empty: quorum loss
   * then always comes from one fault at a time.
   */
  busyMembers: Set<string>;
  /** The history clock: a fault stamps the moment it acts with it. */
  now(): number;
  /**
   * A fault about to compact calls this first: the run keeps etcd's record of
   * its keys (the checkers judge by it) and returns the revision the record
   * ends at, the one to compact to. Rejects when the record cannot be read.
   * While etcd refuses writes (`writesRefused`, NOSPACE) it works only after
   * a keep made while writes were allowed.
   */
  keepRecord?(o?: { writesRefused?: boolean }): Promise<number>;
}

/** A started fault: what it hit, and how to undo it. */
export interface ActiveFault {
  /** When it took effect (history clock), taken just before acting: a kill's own events fall inside the window. */
  at: number;
  /** What it hit: node ids or member names. */
  targets: string[];
  /** What the start event carries besides the targets (e.g. which member led). */
  detail?: Record<string, unknown>;
  /**
   * Undoes it. It may resolve with what the heal did (an operator's steps,
   * with their times): the history's stop event carries it as `detail`.
   */
  heal(): Promise<void | Record<string, unknown>>;
}

/** How a planned fault should pick its target. */
export interface FaultAim {
  /**
   * Wait for, and hit, a primary (lock holder, leader, registrant): the
   * plan's solo windows are there for the liveness checks, which judge a
   * primary's loss.
   */
  primary?: boolean;
  /** Hit a node of this role (the one whose loss the check judges, or the one the user named). */
  role?: string;
  /** Hit exactly this node or member (a plan replayed from results.json names what it hit). */
  target?: string;
}

/** A kind of fault. One module each in chaos/. */
export interface Fault {
  /** The name `--faults` and plan files use; unique among the built-in faults and plugins. */
  name: string;
  /** One line on what it does, as `list` shows it. */
  description: string;
  /** `node`: needs only nodes (every cluster kind); `member`: needs the cluster's member controls. */
  side: "node" | "member";
  /**
   * A member fault that acts only through etcd's API (compact, defrag) and
   * needs no member control. It can then run on a cluster the harness does
   * not control (`external`), but changes it for every client there, so
   * there it runs only when the operator opts in (`--allow-disruptive`).
   */
  apiOnly?: boolean;
  /**
   * Runs only where a run names it: `--faults all` leaves it out. For a
   * fault whose effect the checks do not excuse yet (restore-snapshot loses
   * acknowledged writes by the operator's choice, not the subject's fault).
   */
  namedOnly?: boolean;
  /** How long it holds, ms, drawn uniformly from this range. */
  holdMs(ttlMs: number): [number, number];
  /**
   * Starts it; undefined when nothing can be hit right now (the fault is then
   * skipped and said so). `aim` says how the plan wants its target picked; a
   * fault may ignore it.
   */
  start(world: World, random: () => number, aim?: FaultAim): Promise<ActiveFault | undefined>;
}
