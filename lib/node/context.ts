import { Etcd3 as Etcd3Client, EtcdPermissionDeniedError } from "etcd3";
import { noop } from "cockatiel";
import type { Etcd3, IOptions } from "../cluster/etcd3_types.ts";
import { wallClock } from "../history/writer.ts";
import type { NodeConfig, NodeMessage } from "./protocol.ts";
import { mulberry32 } from "../proc/random.ts";
import { clientOptions, dialHosts, usesTls } from "../cluster/connect.ts";
import type { ConnectOptions } from "../cluster/connect.ts";
import { parseSubjectRef } from "./subject_ref.ts";
import { SubjectShapeError } from "./subject_shape.ts";
import type { SubjectRef } from "./subject_ref.ts";
import { watchBody } from "../history/watch_record.ts";
import type { WatchRecorder } from "../history/watch_record.ts";

/** A definite result of an operation: it happened (`ok`) or it surely did not (`fail`). */
export interface Outcome {
  /** `ok`: it happened; `fail`: it surely did not. */
  type: "ok" | "fail";
  /** What it returned; goes into the history (the invoke's value when absent). */
  value?: unknown;
  /** The etcd revision it observed or produced, where known. */
  revision?: number;
  /** Why it did not happen (for `fail`). */
  error?: string;
}

/** The operation happened; `value` and `revision` go into the history. */
export const ok = (value?: unknown, revision?: number | string): Outcome => ({
  type: "ok",
  value,
  revision: revision === undefined ? undefined : Number(revision),
});

/** The operation surely did not happen (e.g. a guarded transaction that did not apply). */
export const fail = (error: string, value?: unknown, revision?: number | string): Outcome => ({
  type: "fail",
  error,
  value,
  revision: revision === undefined ? undefined : Number(revision),
});

/**
 * What a role function gets: who it is, how to reach etcd, and how to record
 * what it does. Every operation a checker needs goes through {@link op}.
 */
export class NodeContext {
  /** This node's id (e.g. `n1`). */
  readonly node: string;
  /** This process's incarnation: 1, then one more per restart. */
  readonly incarnation: number;
  /** The role this node plays (a key of the scenario's roles). */
  readonly role: string;
  /** The --subject as given (a built-in name, a module, or `exec:CMD`). */
  readonly subject: string;
  /** Where the subject comes from; roles pick it with `subjectOf`. */
  readonly subjectRef: SubjectRef;
  /** The default export of a user's subject module (loaded by the node before its role runs). */
  readonly subjectModule?: unknown;
  /** The run's key prefix: every key the scenario writes lives below it. */
  readonly prefix: string;
  /** Lease TTL in seconds. */
  readonly ttl: number;
  /** The scenario's params with the run's overrides. */
  readonly params: Record<string, unknown>;
  /** Client URLs of this node's proxies, one per member. */
  readonly endpoints: string[];
  /** Aborted when the runner asks the node to stop. */
  readonly signal: AbortSignal;
  /** Deadline of every unary etcd call, ms: a call to a paused member would otherwise hang. */
  readonly callTimeoutMs: number;
  /** A random generator in [0, 1), seeded by the run's seed, the node id and the incarnation. */
  readonly random: () => number;
  /** Whether etcd is reached over TLS or as a user (an operator's cluster): what `client()` sets up. */
  readonly secured: boolean;
  /** The TLS files and the user `client()` connects with (absent: plain); exec programs get them too. */
  get connect(): ConnectOptions | undefined {
    return this.#connect;
  }
  #nextOp = 1;
  #nextWatch = 1;
  #connect?: ConnectOptions;
  #emit: (m: NodeMessage) => void;
  #atExit: (() => void | Promise<void>)[] = [];

  /**
   * Made by the node process (lib/scenario/node_main.ts) from the config the
   * runner passes; roles are handed it.
   */
  constructor(
    config: NodeConfig,
    signal: AbortSignal,
    emit: (m: NodeMessage) => void,
    subjectModule?: unknown,
  ) {
    this.node = config.node;
    this.incarnation = config.incarnation;
    this.role = config.role;
    this.subject = config.subject;
    this.subjectRef = parseSubjectRef(config.subject);
    this.subjectModule = subjectModule;
    this.prefix = config.prefix;
    this.ttl = config.ttl;
    this.params = config.params;
    this.endpoints = config.endpoints;
    this.#connect = config.connect;
    this.secured = usesTls(config.connect) || config.connect?.username !== undefined;
    this.signal = signal;
    this.callTimeoutMs = Number(config.params.callTimeoutMs ?? 2000);
    this.random = mulberry32(config.seed ^ hash(`${config.node}#${config.incarnation}`));
    this.#emit = emit;
  }

  /**
   * A new etcd3 client to this node's proxies, with a deadline on every unary
   * call and no hidden retries: etcd3 retries a failed call by default, so a
   * transaction that applied but timed out could be re-run and report a
   * different result, and a definite `fail` would be a lie. Errors surface;
   * the operation is then recorded as unknown.
   */
  client(extra: Partial<IOptions> = {}): Etcd3 {
    const timeout = this.callTimeoutMs;
    const { hosts = this.endpoints, ...rest } = extra;
    return new Etcd3Client({
      // Hosts given in `extra` (one member, say) are dialled the same way as the node's own.
      hosts: dialHosts([hosts].flat(), this.#connect),
      ...clientOptions(this.#connect),
      defaultCallOptions: (ctx) => ctx.isStream ? {} : { deadline: new Date(Date.now() + timeout) },
      faultHandling: { global: noop },
      ...rest,
    });
  }

  /**
   * Records an operation: invoke, then `ok`/`fail` from the outcome `fn` returns,
   * or `info` (unknown) when it throws. Returns the outcome, or undefined when unknown.
   */
  async op(f: string, value: unknown, fn: () => Promise<Outcome>): Promise<Outcome | undefined> {
    const op = this.#nextOp++;
    this.#emit({ t: "op", type: "invoke", op, f, value, wall: wallClock() });
    try {
      const out = await fn();
      this.#emit({ t: "op", op, f, wall: wallClock(), ...out, value: out.value ?? value });
      return out;
    } catch (e) {
      if (e instanceof SubjectShapeError) throw e;
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      if (refusedByEtcd(e)) {
        // etcd checked permissions before applying anything: it surely did not happen.
        const out = fail(error);
        this.#emit({ t: "op", op, f, wall: wallClock(), ...out, value });
        return out;
      }
      // The node log keeps what the subject threw; the history keeps the unknown outcome.
      console.error(`${f} #${op}: outcome unknown: ${error}`);
      this.#emit({ t: "op", type: "info", op, f, value, error, wall: wallClock() });
      return undefined;
    }
  }

  /**
   * Stops the run: this node's subject cannot run at all (the runner exits 2
   * with `why`). For what a role's own retry loop would swallow, such as a
   * program that never answers; the role goes on until it is stopped.
   */
  unfit(why: string): void {
    this.#emit({ t: "fatal", error: why, wall: wallClock() });
  }

  /**
   * Registers work to do after the role returns and before the node process
   * exits (closing a subject program's stdin, say); the node waits for it a
   * few seconds at most.
   */
  atExit(fn: () => void | Promise<void>): void {
    this.#atExit.push(fn);
  }

  /** Runs the {@link atExit} work, newest first, for at most `ms`; never throws. */
  async runAtExit(ms: number): Promise<void> {
    const work = this.#atExit.splice(0).reverse();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, ms));
    const all = (async () => {
      for (const fn of work) {
        try {
          await fn();
        } catch (e) {
          console.error(`clean-up at exit failed: ${e instanceof Error ? e.message : e}`);
        }
      }
    })();
    await Promise.race([all, late]);
    clearTimeout(timer);
  }

  /**
   * Records what this node's watches deliver (a `watch` event per response),
   * for the watch-guarantees check: pass it to a recipe's `record` option.
   */
  watchRecorder(): WatchRecorder {
    return {
      open: (range) => {
        const watch = this.#nextWatch++;
        return (res) => {
          const body = watchBody(range, res);
          if (body) this.#emit({ t: "watch", watch, ...body, wall: wallClock() });
        };
      },
    };
  }

  /** Tells the runner a state faults may target (e.g. `{ primary: true }` while holding the lock). */
  report(state: Record<string, unknown>): void {
    this.#emit({ t: "state", state, wall: wallClock() });
  }

  /** Sleeps, waking early when the node is asked to stop. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      this.signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /** A number drawn from [min, max) with this node's seeded generator. */
  between(min: number, max: number): number {
    return min + this.random() * (max - min);
  }
}

/** A permission refusal (gRPC PERMISSION_DENIED): etcd rejects such a request before applying it. */
function refusedByEtcd(e: unknown): boolean {
  return e instanceof EtcdPermissionDeniedError ||
    (e instanceof Error && /\bPERMISSION_DENIED\b|etcdserver: permission denied/.test(e.message));
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
