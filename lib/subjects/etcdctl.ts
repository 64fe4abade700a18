/**
 * etcdctl as a child of a node: etcd's own Go client (clientv3 and its
 * concurrency package) driven through its command line, for the `etcdctl`
 * subjects. It talks to the node's proxies, so node faults reach its
 * traffic; it is the node's child (tied with `setpriv --pdeathsig`), so it
 * dies with the node, and stops when the node is asked to stop.
 */
import type { NodeContext } from "../node/context.ts";
import { findEtcdctl } from "../cluster/etcd_binary.ts";
import { NODE_CONFIG_ENV } from "../node/protocol.ts";
import type { NodeConfig } from "../node/protocol.ts";
import { spawnTied } from "../proc/cleanup.ts";
import { SubjectShapeError } from "../node/subject_shape.ts";

/** What waiting for etcdctl's next stdout line ended with. */
export type LineResult =
  | { kind: "line"; line: string }
  | { kind: "exited"; code: number; signal: string | null }
  | { kind: "timeout" }
  | { kind: "aborted" };

let binary: Promise<string> | undefined;
const running = new Set<Etcdctl>();
let stopsWithNode = false;

/**
 * The etcdctl binary for this node, or a {@link SubjectShapeError} (the run
 * stops, exit 2, with the finder's one line) when it cannot be had.
 */
function etcdctlBinary(): Promise<string> {
  binary ??= findEtcdctl().catch((e) => {
    throw new SubjectShapeError(e instanceof Error ? e.message : String(e));
  });
  return binary;
}

/** One running etcdctl command of this node. */
export class Etcdctl {
  readonly pid: number;
  readonly #child: Deno.ChildProcess;
  readonly #lines: string[] = [];
  #wake?: () => void;
  #status?: Deno.CommandStatus;
  #stderr: string[] = [];
  readonly #exited: Promise<Deno.CommandStatus>;

  private constructor(child: Deno.ChildProcess, label: string) {
    this.#child = child;
    this.pid = child.pid;
    const out = this.#readLines(child.stdout, (l) => this.#lines.push(l));
    const err = this.#readLines(child.stderr, (l) => {
      console.error(`${label}[${this.pid}]: ${l}`);
      this.#stderr = [...this.#stderr.slice(-4), l];
    });
    this.#exited = Promise.all([child.status, out, err]).then(([s]) => {
      this.#status = s;
      running.delete(this);
      this.#wake?.();
      return s;
    });
  }

  /**
   * Starts `etcdctl --endpoints=<the node's proxies> ARGS`. Throws
   * {@link SubjectShapeError} when etcdctl cannot be found or the cluster
   * needs TLS (these subjects speak plain HTTP only).
   */
  static async start(ctx: NodeContext, args: string[]): Promise<Etcdctl> {
    const bin = await etcdctlBinary();
    if (needsTlsOrAuth()) {
      throw new SubjectShapeError(
        "the etcdctl subjects speak plain HTTP without auth only: use a process or container cluster",
      );
    }
    if (!stopsWithNode) {
      stopsWithNode = true;
      ctx.signal.addEventListener("abort", () => {
        for (const p of running) p.stop(3000);
      }, { once: true });
    }
    const child = spawnTied(bin, [`--endpoints=${ctx.endpoints.join(",")}`, ...args], {
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { ETCDCTL_API: "3" },
    });
    const p = new Etcdctl(child, `etcdctl ${args[0] ?? ""}`.trim());
    running.add(p);
    if (ctx.signal.aborted) p.stop(3000);
    return p;
  }

  /** Whether it has exited. */
  get done(): boolean {
    return this.#status !== undefined;
  }

  /** Its exit status once it has exited. */
  get status(): Deno.CommandStatus | undefined {
    return this.#status;
  }

  /** The last lines etcdctl wrote on stderr, joined (for error messages). */
  stderrTail(): string {
    return this.#stderr.join(" | ") || "no message";
  }

  /** The next stdout line, or why there is none: it exited, `timeoutMs` passed, or `signal` aborted. */
  async nextLine(timeoutMs: number, signal?: AbortSignal): Promise<LineResult> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const line = this.#lines.shift();
      if (line !== undefined) return { kind: "line", line };
      if (this.#status) {
        return { kind: "exited", code: this.#status.code, signal: this.#status.signal };
      }
      if (signal?.aborted) return { kind: "aborted" };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: "timeout" };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        signal?.addEventListener("abort", done, { once: true });
        this.#wake = done;
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          resolve();
        }
      });
      this.#wake = undefined;
    }
  }

  /** Its exit status, or undefined if it is still running after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<Deno.CommandStatus | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((r) => timer = setTimeout(() => r(undefined), timeoutMs));
    const s = await Promise.race([this.#exited, late]);
    clearTimeout(timer);
    return s;
  }

  /** SIGTERM (etcdctl unlocks or resigns on it), SIGKILL after `graceMs`; resolves when it is gone. */
  async stop(graceMs: number): Promise<Deno.CommandStatus> {
    this.#send("SIGTERM");
    if (await this.waitExit(graceMs)) return this.#exited;
    this.kill();
    return this.#exited;
  }

  /** SIGKILL. */
  kill(): void {
    this.#send("SIGKILL");
  }

  #send(sig: Deno.Signal): void {
    if (this.#status) return;
    try {
      this.#child.kill(sig);
    } catch { /* already gone */ }
  }

  async #readLines(stream: ReadableStream<Uint8Array>, each: (l: string) => void): Promise<void> {
    const decoder = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of stream) {
        buf += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trimEnd();
          buf = buf.slice(nl + 1);
          if (line) {
            each(line);
            this.#wake?.();
          }
        }
      }
    } catch { /* the process went away mid-line */ }
    if (buf.trim()) each(buf.trim());
  }
}

/** Whether this node's cluster wants TLS or a user (an operator's cluster): its config says. */
function needsTlsOrAuth(): boolean {
  try {
    const config = JSON.parse(Deno.env.get(NODE_CONFIG_ENV) ?? "null") as NodeConfig | null;
    const c = config?.connect;
    return !!(c?.caFile || c?.certFile || c?.username);
  } catch {
    return false;
  }
}

/** The lease a concurrency-package key is under: its name ends in the lease id in hex. */
export function leaseOfKey(key: string): string | undefined {
  const hex = key.slice(key.lastIndexOf("/") + 1);
  return /^[0-9a-f]+$/.test(hex) ? BigInt(`0x${hex}`).toString() : undefined;
}
