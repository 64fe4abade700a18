/**
 * The lines of the exec line protocol (docs/exec-protocol.md), as types,
 * and the reader that tells an answer from an event from a line that is
 * neither.
 */

/** A call the node writes on the program's stdin. */
export interface ExecCall {
  /** The call's number, unique per channel; the answer carries it back. */
  id: number;
  /** What to do, in the scenario's words (e.g. `acquire`). */
  call: string;
  /** The call's arguments, as the scenario's protocol defines them. */
  args: Record<string, unknown>;
  /** How long the node waits for the answer, ms; absent: as long as the program lives. */
  deadlineMs?: number;
}

/** The program's answer to the call with the same `id`. */
export interface ExecAnswer {
  /** The `id` of the call it answers. */
  id: number;
  /** true: it happened; false: it surely did not; null: the program cannot tell (unknown, `info`). */
  ok: boolean | null;
  /** What the operation returned, for the history. */
  value?: unknown;
  /** The etcd revision of the operation (a number or etcd's decimal string). */
  revision?: number | string;
  /** Why it failed or cannot tell. */
  error?: string;
  /** The lease the program's keys are under now (decimal string); kill-lease revokes it. */
  lease?: string;
}

/** A line without `id` that a scenario defines (a discoverer's view). */
export interface ExecEvent {
  /** The event's name, as the scenario defines it. */
  event: string;
  /** The lease the program's keys are under now (decimal string); kill-lease revokes it. */
  lease?: string;
  /** Any other field the scenario's event carries. */
  [field: string]: unknown;
}

/** What one stdout line of a program is. */
export type ExecLine =
  | { kind: "answer"; answer: ExecAnswer }
  | { kind: "event"; event: ExecEvent }
  | { kind: "bad"; problem: string; id?: number };

/** Reads one stdout line of a program. */
export function readExecLine(line: string): ExecLine {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return { kind: "bad", problem: "a line that is not JSON (logging belongs on stderr)" };
  }
  if (typeof m !== "object" || m === null || Array.isArray(m)) {
    return { kind: "bad", problem: "a line that is not a JSON object" };
  }
  const o = m as Record<string, unknown>;
  if (typeof o.event === "string" && o.id === undefined) {
    return { kind: "event", event: o as ExecEvent };
  }
  if (typeof o.id !== "number") return { kind: "bad", problem: "a line with neither id nor event" };
  if (typeof o.ok !== "boolean" && o.ok !== null) {
    return { kind: "bad", problem: `answer ${o.id}: ok must be true, false or null`, id: o.id };
  }
  if (
    o.revision !== undefined && !(typeof o.revision === "number" ||
      (typeof o.revision === "string" && /^\d+$/.test(o.revision)))
  ) {
    return { kind: "bad", problem: `answer ${o.id}: revision is not a number`, id: o.id };
  }
  if (o.lease !== undefined && typeof o.lease !== "string") {
    return { kind: "bad", problem: `answer ${o.id}: lease must be a decimal string`, id: o.id };
  }
  if (o.error !== undefined && typeof o.error !== "string") {
    return { kind: "bad", problem: `answer ${o.id}: error must be a string`, id: o.id };
  }
  return { kind: "answer", answer: o as unknown as ExecAnswer };
}
