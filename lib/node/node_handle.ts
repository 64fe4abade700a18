import type { HistoryWriter } from "../history/writer.ts";
import { NodeProxy } from "../net/node_proxy.ts";
import { NODE_CONFIG_ENV } from "./protocol.ts";
import type { NodeConfig, NodeMessage } from "./protocol.ts";
import { canLeadGroups, spawnTied } from "../proc/cleanup.ts";
import { runnerConfigArgs } from "../proc/deno_config.ts";

const NODE_MAIN = new URL("../scenario/node_main.ts", import.meta.url).pathname;
/** A node resolves a user's imports as the runner does (see lib/proc/deno_config.ts). */
const RUNNER_CONFIG = runnerConfigArgs();

/** How the runner reaches a node: everything but the incarnation stays across restarts. */
export interface NodeSpec {
  id: string;
  role: string;
  /** The config every incarnation starts with (endpoints and incarnation are filled in). */
  config: Omit<NodeConfig, "node" | "incarnation" | "endpoints" | "role">;
  logDir: string;
}

/**
 * A simulated node as the runner sees it: one OS process at a time
 * (incarnations 1, 2, …), behind its own client proxy. Its messages go into
 * the history; operations left open by a kill are closed as `info`.
 *
 * Each incarnation leads its own process group: pause, resume and kill
 * signal the whole group, so whatever the node started (an `exec:`
 * program, an etcdctl) stops, goes on and dies with it.
 */
export class NodeHandle {
  /** The node's id (n1, n2, …); it stays across restarts. */
  readonly id: string;
  /** The role it plays. */
  readonly role: string;
  /** Its client proxy: node faults cut, slow or reset the node's traffic here. */
  readonly proxy: NodeProxy;
  /** The current process's incarnation: 0 before the first start, then 1, 2, …. */
  incarnation = 0;
  /** The last state the node reported (e.g. `{ primary: true }`). */
  state: Record<string, unknown> = {};
  /** Whether its current process runs (it may be paused). */
  alive = false;
  /** Whether its process group is stopped (SIGSTOP) by `pause`. */
  paused = false;
  #spec: NodeSpec;
  #history: HistoryWriter;
  #child?: Deno.ChildProcess;
  #open = new Map<number, string>(); // op id → f, of the current incarnation
  #exited?: Promise<void>;
  #ready = Promise.withResolvers<void>();
  #log?: Deno.FsFile;
  #fatal = Promise.withResolvers<string>();
  /** Whether the current process leads its own group (signals then go to the group). */
  #group = false;

  /**
   * A node not started yet: its proxy listens from here on, and its messages
   * will go into `history`. The runner makes these.
   */
  constructor(spec: NodeSpec, memberClientUrls: readonly string[], history: HistoryWriter) {
    this.id = spec.id;
    this.role = spec.role;
    this.#spec = spec;
    this.#history = history;
    this.proxy = new NodeProxy(memberClientUrls);
  }

  /** Starts the next incarnation; resolves when its process is spawned. */
  async start(): Promise<void> {
    this.incarnation++;
    this.state = {};
    this.#open.clear();
    this.#ready = Promise.withResolvers<void>();
    const config: NodeConfig = {
      ...this.#spec.config,
      node: this.id,
      role: this.role,
      incarnation: this.incarnation,
      endpoints: this.proxy.endpoints,
    };
    this.#log ??= await Deno.open(`${this.#spec.logDir}/${this.id}.log`, {
      append: true,
      create: true,
    });
    // The node's log dir on its command line names the run in `ps` (and lets tests find its processes).
    const args = ["run", "-A", "--quiet", ...RUNNER_CONFIG, NODE_MAIN, this.#spec.logDir];
    const child = spawnTied(Deno.execPath(), args, {
      env: { [NODE_CONFIG_ENV]: JSON.stringify(config), NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }, { groupLeader: true });
    this.#child = child;
    this.#group = canLeadGroups();
    this.alive = true;
    this.paused = false;
    const incarnation = this.incarnation;
    this.#history.append({
      kind: "node",
      type: "spawn",
      node: this.id,
      incarnation,
      role: this.role,
      time: this.#history.now(),
    });
    const log = this.#log;
    child.stderr.pipeTo(
      new WritableStream({ write: (c) => void log.write(c).catch(() => {}) }),
    ).catch(() => {});
    const reading = this.#readMessages(child, incarnation);
    this.#exited = Promise.all([child.status, reading]).then(([status]) => {
      if (this.#child !== child) return;
      this.alive = false;
      const time = this.#history.now();
      for (const [op, f] of this.#open) {
        this.#history.append({
          kind: "op",
          type: "info",
          op,
          f,
          node: this.id,
          incarnation,
          error: "node process ended before the operation completed",
          time,
        });
      }
      this.#open.clear();
      this.#history.append({
        kind: "node",
        type: "exit",
        node: this.id,
        incarnation,
        exitCode: status.code,
        signal: status.signal,
        time,
      });
    });
  }

  /** The current incarnation's pid (also its process group id), once one was started. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Settles with the node's reason when it cannot run its subject at all (a
   * module that does not fit the scenario's shape); never settles otherwise.
   */
  fatal(): Promise<string> {
    return this.#fatal.promise;
  }

  /** Resolves when the node has loaded its scenario and is about to run (or has exited). */
  ready(): Promise<void> {
    return this.#ready.promise;
  }

  async #readMessages(child: Deno.ChildProcess, incarnation: number): Promise<void> {
    const decoder = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of child.stdout) {
        buf += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) this.#onMessage(JSON.parse(line), incarnation);
        }
      }
    } catch { /* the process went away mid-line */ }
    this.#ready.resolve();
  }

  #onMessage(m: NodeMessage, incarnation: number): void {
    const time = this.#history.fromWall(m.wall);
    if (m.t === "ready") {
      this.#ready.resolve();
    } else if (m.t === "fatal") {
      this.#fatal.resolve(m.error);
    } else if (m.t === "state") {
      this.state = m.state;
      this.#history.append({
        kind: "node",
        type: "state",
        node: this.id,
        incarnation,
        state: m.state,
        time,
      });
    } else if (m.t === "watch") {
      const { t: _t, wall: _w, ...rest } = m;
      this.#history.append({ kind: "watch", node: this.id, incarnation, ...rest, time });
    } else if (m.t === "op") {
      if (m.type === "invoke") this.#open.set(m.op, m.f);
      else this.#open.delete(m.op);
      const { t: _t, wall: _w, ...rest } = m;
      this.#history.append({ kind: "op", node: this.id, incarnation, ...rest, time });
    }
  }

  /** SIGKILL; resolves when the process is gone and its open operations are closed. */
  async kill(): Promise<void> {
    if (!this.#child || !this.alive) return;
    this.#signal("SIGCONT");
    this.#signal("SIGKILL");
    await this.#exited;
  }

  /** SIGSTOP to the node's process group: the node and everything it started stop. */
  pause(): void {
    if (this.alive && !this.paused) {
      this.#signal("SIGSTOP");
      this.paused = true;
    }
  }

  /** SIGCONT to the node's process group. */
  resume(): void {
    if (this.paused) {
      this.#signal("SIGCONT");
      this.paused = false;
    }
  }

  /** Asks the node to finish its work; kills it after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.#child || !this.alive) return;
    this.resume();
    try {
      const w = this.#child.stdin.getWriter();
      await w.write(new TextEncoder().encode(JSON.stringify({ cmd: "stop" }) + "\n"));
      w.releaseLock();
    } catch { /* stdin already closed */ }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((r) => timer = setTimeout(() => r(true), graceMs));
    const gone = await Promise.race([this.#exited!.then(() => false), timedOut]);
    clearTimeout(timer);
    if (gone) await this.kill();
  }

  /** Kills the process if any and closes the proxy and log; idempotent. */
  async dispose(): Promise<void> {
    await this.kill();
    try {
      await this.#child?.stdin.close();
    } catch { /* closed */ }
    this.proxy.close();
    try {
      this.#log?.close();
    } catch { /* closed */ }
    this.#log = undefined;
  }

  /** Signals the node's process group (the node and all it started), or the node alone without one. */
  #signal(sig: Deno.Signal): void {
    const child = this.#child;
    if (!child) return;
    try {
      if (this.#group) {
        try {
          Deno.kill(-child.pid, sig);
          return;
        } catch { /* no group yet (setsid has not run) or gone: the node alone */ }
      }
      child.kill(sig);
    } catch { /* already gone */ }
  }
}
