/**
 * The generic side of the exec line protocol (docs/exec-protocol.md): a
 * node's conversation with the program of an `exec:` subject. The program
 * is a child of the node (in its process group, tied to it with pdeathsig),
 * started on the first call and again after it exited or missed a
 * deadline; calls carry ids and deadlines; answers become outcomes, and
 * anything else an unknown one (a throw, recorded as `info`).
 */
import type { NodeContext, Outcome } from "../node/context.ts";
import { fail, ok } from "../node/context.ts";
import { spawnTied } from "../proc/cleanup.ts";
import { SubjectShapeError } from "../node/subject_shape.ts";
import type { ExecAnswer, ExecCall, ExecEvent } from "./exec_messages.ts";
import { readExecLine } from "./exec_messages.ts";
import { execSecurity, programEndpoints } from "./exec_security.ts";
import type { ExecSecurity } from "./exec_security.ts";
import { answerMisfit, eventMisfit } from "./exec_schema.ts";

/** An outcome the program did not give: no answer in time, a malformed answer, or an exit. */
export class ExecUnknownError extends Error {
  /** The error's name, as messages show it. */
  override name = "ExecUnknownError";
}

/** How a channel starts its program. */
export interface ExecChannelOptions {
  /** The scenario's name (`DRILLS_SCENARIO`). */
  scenario: string;
  /** The program and its arguments; default: the node's `exec:` subject. */
  command?: string[];
  /** How long a program may take to exit after its stdin closed, ms (default 2000). */
  graceMs?: number;
  /** Spontaneous exits in a row, each before any answer, after which the subject cannot run (default 3). */
  maxSilentExits?: number;
  /**
   * Calls that ended unknown for want of a well-formed answer (none in time,
   * garbage, a misfit), before any well-formed answer at all, after which the
   * subject cannot run (default 5).
   */
  maxUnanswered?: number;
}

interface Pending {
  call: string;
  resolve(out: Outcome): void;
  reject(e: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** One started program: its process and the calls it owes an answer. */
interface Program {
  process: Deno.ChildProcess;
  stdin: WritableStreamDefaultWriter<Uint8Array>;
  pending: Map<number, Pending>;
  answered: number;
  /** Set when the node ended this program (deadline, close): its exit is not the program's doing. */
  ended?: string;
  exited: Promise<void>;
}

const encoder = new TextEncoder();

/**
 * A node's channel to its subject program. Use {@link call} for each
 * operation, {@link on} for the events a scenario defines, {@link lease}
 * for the lease the program last named, and {@link close} when done (the
 * node also closes it before it exits).
 */
export class ExecChannel {
  #ctx: NodeContext;
  #command: string[];
  #scenario: string;
  #graceMs: number;
  #maxSilentExits: number;
  #program?: Program;
  #nextId = 1;
  #starts = 0;
  #silentExits = 0;
  #maxUnanswered: number;
  /** Well-formed answers and events (fitting the schema), from any start of the program. */
  #answeredWell = 0;
  /** Calls that ended unknown without a well-formed answer while none had come yet. */
  #unanswered = 0;
  #reportedUnfit = false;
  #lease?: string;
  #closed = false;
  #handlers = new Map<string, (e: ExecEvent) => void>();
  #security?: ExecSecurity;

  /**
   * A channel for this node; its program starts with the first call, and
   * the node closes it before exiting. Throws SubjectShapeError without a
   * command, or on a cluster with TLS or a user.
   */
  constructor(ctx: NodeContext, opts: ExecChannelOptions) {
    const ref = ctx.subjectRef;
    const command = opts.command ?? (ref.kind === "exec" ? ref.command : undefined);
    if (!command || command.length === 0) {
      throw new SubjectShapeError(`an exec channel needs a command (--subject 'exec:CMD ARGS')`);
    }
    this.#ctx = ctx;
    this.#command = command;
    this.#scenario = opts.scenario;
    this.#graceMs = opts.graceMs ?? 2000;
    this.#maxSilentExits = opts.maxSilentExits ?? 3;
    this.#maxUnanswered = opts.maxUnanswered ?? 5;
    ctx.atExit(() => this.close());
  }

  /** The lease the program named last (`lease` on an answer or an event), for kill-lease. */
  lease(): string | undefined {
    return this.#lease;
  }

  /** Handles `{ "event": name, ... }` lines (the last handler for a name wins). */
  on(name: string, handler: (e: ExecEvent) => void): void {
    this.#handlers.set(name, handler);
  }

  /**
   * Sends a call and waits for its answer: `ok: true` → ok, `ok: false` →
   * fail, `ok: null` → unknown. Throws {@link ExecUnknownError} when the outcome is unknown (no
   * answer within `deadlineMs` plus a little slack, a malformed answer, the
   * program exiting); after a missed deadline the program is killed and the
   * next call starts it again. `deadlineMs` Infinity waits as long as the
   * program lives. Throws {@link SubjectShapeError} when the program keeps
   * exiting before it answers anything (it cannot run at all).
   */
  async call(call: string, args: Record<string, unknown>, deadlineMs: number): Promise<Outcome> {
    if (this.#closed) throw new ExecUnknownError(`${call}: the exec channel is closed`);
    if (this.#silentExits >= this.#maxSilentExits) {
      throw this.#unfit(
        `the exec: program exited (or could not start) ${this.#silentExits} times in a row before answering a call: see the node log`,
      );
    }
    if (this.#answeredWell === 0 && this.#unanswered >= this.#maxUnanswered) {
      throw this.#unfit(
        `the exec: program gave no well-formed answer to any of its first ${this.#unanswered} calls (no answer in time, a line that is not an answer, or one that misfits docs/exec-protocol.schema.json): see the node log`,
      );
    }
    const program = this.#program ?? this.#start();
    const id = this.#nextId++;
    const message: ExecCall = {
      id,
      call,
      args,
      ...(Number.isFinite(deadlineMs) ? { deadlineMs: Math.round(deadlineMs) } : {}),
    };
    const answered = new Promise<Outcome>((resolve, reject) => {
      const pending: Pending = { call, resolve, reject };
      if (Number.isFinite(deadlineMs)) {
        // A little slack: a program that answers at its deadline is not killed for it.
        pending.timer = setTimeout(() => {
          this.#end(program, `no answer to ${call} #${id} within ${deadlineMs} ms`);
        }, deadlineMs + 500);
      }
      program.pending.set(id, pending);
    });
    try {
      await program.stdin.write(encoder.encode(JSON.stringify(message) + "\n"));
    } catch {
      // It exited (or closed its stdin): let its exit settle the call, so the exit is counted first.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([program.exited, new Promise((r) => timer = setTimeout(r, 1000))]);
      clearTimeout(timer);
      this.#settle(program, id, new ExecUnknownError(`${call}: the program's stdin is closed`));
    }
    try {
      return await answered;
    } catch (e) {
      if (e instanceof ExecUnknownError && this.#answeredWell === 0) this.#unanswered++;
      throw e;
    }
  }

  /** The error that stops the run, told to the runner at once: a role's retry loop may swallow it. */
  #unfit(why: string): SubjectShapeError {
    if (!this.#reportedUnfit) {
      this.#reportedUnfit = true;
      this.#ctx.unfit(why);
    }
    return new SubjectShapeError(why);
  }

  /**
   * Closes the program's stdin (it should exit) and kills it after the
   * grace period; calls still open become unknown. Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const program = this.#program;
    if (!program) return this.#security?.forget();
    program.ended ??= "its stdin was closed (the node is stopping)";
    try {
      await program.stdin.close();
    } catch { /* already closed */ }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((r) => timer = setTimeout(() => r(true), this.#graceMs));
    const tooLate = await Promise.race([program.exited.then(() => false), late]);
    clearTimeout(timer);
    if (tooLate) {
      console.error(
        `exec: pid ${program.process.pid} did not exit ${this.#graceMs} ms after its stdin closed: killed`,
      );
      this.#end(program, program.ended);
    }
    await program.exited;
    this.#security?.forget();
  }

  #start(): Program {
    this.#starts++;
    const ctx = this.#ctx;
    // TLS files and the user reach the program in its environment only (a password by file).
    this.#security ??= execSecurity(ctx.connect);
    const env: Record<string, string> = {
      ...this.#security.env,
      DRILLS_ENDPOINTS: programEndpoints(ctx.endpoints, ctx.connect).join(","),
      DRILLS_PREFIX: ctx.prefix,
      DRILLS_TTL: String(ctx.ttl),
      DRILLS_NODE: ctx.node,
      DRILLS_INCARNATION: String(ctx.incarnation),
      DRILLS_START: String(this.#starts),
      DRILLS_ROLE: ctx.role,
      DRILLS_SCENARIO: this.#scenario,
      DRILLS_PARAMS: JSON.stringify(ctx.params),
    };
    const [cmd, ...args] = this.#command;
    // No process group of its own: it stays in the node's, so node faults reach it.
    let process: Deno.ChildProcess;
    try {
      process = spawnTied(cmd, args, { env, stdin: "piped", stdout: "piped", stderr: "piped" });
    } catch (e) {
      // Counts as an exit before any answer: a program that cannot start at all stops the run.
      this.#silentExits++;
      throw new ExecUnknownError(`cannot start ${cmd}: ${e instanceof Error ? e.message : e}`);
    }
    console.error(
      `exec: started ${this.#command.join(" ")} (pid ${process.pid}, start ${this.#starts})`,
    );
    const program: Program = {
      process,
      stdin: process.stdin.getWriter(),
      pending: new Map(),
      answered: 0,
      exited: Promise.resolve(),
    };
    const pid = process.pid;
    const stderr = forwardStderr(process.stderr, pid);
    const stdout = this.#read(program);
    program.exited = Promise.all([process.status, stdout, stderr]).then(([status]) => {
      const why = program.ended ??
        `the program exited (${status.signal ? `signal ${status.signal}` : `code ${status.code}`})`;
      if (!program.ended) {
        this.#silentExits = program.answered === 0 ? this.#silentExits + 1 : 0;
      }
      console.error(`exec: pid ${pid} ended: ${why}`);
      for (const id of [...program.pending.keys()]) {
        this.#settle(program, id, new ExecUnknownError(`${program.pending.get(id)!.call}: ${why}`));
      }
      if (this.#program === program) this.#program = undefined;
    });
    this.#program = program;
    return program;
  }

  /** Ends a program the node gave up on: its open calls become unknown; the next call starts another. */
  #end(program: Program, why: string): void {
    program.ended ??= why;
    if (this.#program === program) this.#program = undefined;
    for (const id of [...program.pending.keys()]) {
      this.#settle(program, id, new ExecUnknownError(`${program.pending.get(id)!.call}: ${why}`));
    }
    try {
      program.process.kill("SIGKILL");
    } catch { /* gone */ }
  }

  async #read(program: Program): Promise<void> {
    const decoder = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of program.process.stdout) {
        buf += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) this.#onLine(program, line);
        }
      }
    } catch { /* the program went away mid-line */ }
  }

  #onLine(program: Program, line: string): void {
    const read = readExecLine(line);
    if (read.kind === "event") {
      const misfit = eventMisfit(read.event);
      if (misfit) {
        // Not handed on: an unknown `misfit` operation keeps the complaint in the history too.
        console.error(`exec: ${misfit}: ${line.slice(0, 200)}`);
        void this.#ctx.op(
          "misfit",
          { event: read.event.event },
          () => Promise.reject(new ExecUnknownError(misfit)),
        );
        return;
      }
      this.#answeredWell++; // a program that speaks the protocol, though it answers late or never
      if (typeof read.event.lease === "string") this.#lease = read.event.lease;
      const handler = this.#handlers.get(read.event.event);
      if (handler) handler(read.event);
      else console.error(`exec: event ${read.event.event} has no use here; ignored`);
      return;
    }
    if (read.kind === "bad") {
      // Blame the call it names, else the oldest open call: its outcome is unknown.
      const id = read.id !== undefined && program.pending.has(read.id)
        ? read.id
        : program.pending.keys().next().value;
      console.error(`exec: ${read.problem}: ${line.slice(0, 200)}`);
      if (id !== undefined) {
        const call = program.pending.get(id)!.call;
        this.#settle(program, id, new ExecUnknownError(`${call}: ${read.problem}`));
      }
      return;
    }
    const answer: ExecAnswer = read.answer;
    if (!program.pending.has(answer.id)) {
      console.error(`exec: answer to no open call (id ${answer.id}); ignored`);
      return;
    }
    program.answered++;
    this.#silentExits = 0;
    if (typeof answer.lease === "string") this.#lease = answer.lease;
    const call = program.pending.get(answer.id)!.call;
    const misfit = answerMisfit(this.#scenario, call, answer);
    if (misfit) {
      console.error(`exec: ${misfit}: ${line.slice(0, 200)}`);
      this.#settle(program, answer.id, new ExecUnknownError(`${call}: ${misfit}`));
      return;
    }
    this.#answeredWell++;
    this.#settle(
      program,
      answer.id,
      answer.ok === null
        ? new ExecUnknownError(`${call}: ${answer.error ?? "the program cannot tell (ok: null)"}`)
        : answer.ok
        ? ok(answer.value, answer.revision)
        : fail(answer.error ?? "the program answered ok: false", answer.value, answer.revision),
    );
  }

  #settle(program: Program, id: number, result: Outcome | Error): void {
    const pending = program.pending.get(id);
    if (!pending) return;
    program.pending.delete(id);
    clearTimeout(pending.timer);
    if (result instanceof Error) pending.reject(result);
    else pending.resolve(result);
  }
}

/** Copies the program's stderr to the node's (its log), each line marked with the program's pid. */
async function forwardStderr(stream: ReadableStream<Uint8Array>, pid: number): Promise<void> {
  const decoder = new TextDecoder();
  let buf = "";
  const flush = (text: string) => {
    try {
      Deno.stderr.writeSync(encoder.encode(`exec[${pid}] ${text}\n`));
    } catch { /* our stderr is gone */ }
  };
  try {
    for await (const chunk of stream) {
      buf += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        flush(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    }
  } catch { /* gone */ }
  if (buf) flush(buf);
}
