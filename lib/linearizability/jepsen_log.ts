/**
 * Reads Jepsen's register logs: lines such as
 * `INFO  jepsen.util - 3<TAB>:invoke<TAB>:cas<TAB>[1 4]`. A process invokes
 * one operation at a time; its next `:ok`, `:fail` or `:info` line completes
 * it. `:fail` ops did not happen and are left out; `:info` ops (and ops never
 * completed) have an unknown outcome. Lines that are not register operations
 * (the nemesis, other log output) are skipped; a register operation line that
 * cannot be read is an {@link InputError} with its line number.
 */
import type { Op } from "./model.ts";
import type { RegisterInput, RegisterOutput, RegisterValue } from "./register_model.ts";
import { InputError } from "./input_error.ts";

// An op line: "jepsen.util - PROC<TAB>:TYPE<TAB>:F<TAB>VALUE[<TAB>anything]".
const OP_LINE = /jepsen\.util - ([^\t]+)\t(:\S+)\t:(read|write|cas)\t([^\t]*)/;
const TYPES = new Set([":invoke", ":ok", ":fail", ":info"]);

function parseValue(text: string, line: number, what: string): RegisterValue {
  const t = text.trim();
  if (t === "nil") return null;
  if (/^-?\d+$/.test(t)) return Number(t);
  throw new InputError(`line ${line}: expected ${what} (an integer or nil), got "${t}"`, line);
}

function parseInput(f: string, text: string, line: number): RegisterInput {
  if (f === "read") return { f: "read" };
  if (f === "write") return { f: "write", value: parseValue(text, line, "the value written") };
  const m = /^\[\s*(\S+)\s+(\S+)\s*\]$/.exec(text.trim());
  if (!m) {
    throw new InputError(
      `line ${line}: expected a cas value [FROM TO], got "${text.trim()}"`,
      line,
    );
  }
  return {
    f: "cas",
    from: parseValue(m[1], line, "the cas's FROM"),
    to: parseValue(m[2], line, "the cas's TO"),
  };
}

/** Parses a Jepsen register log into operations (time = line number). */
export function parseJepsenLog(text: string): Op<RegisterInput, RegisterOutput>[] {
  const lines = text.split("\n");
  const open = new Map<string, { op: Op<RegisterInput, RegisterOutput>; f: string }>();
  const ops: Op<RegisterInput, RegisterOutput>[] = [];
  const done: (Op<RegisterInput, RegisterOutput> | null)[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const m = OP_LINE.exec(lines[i]);
    if (!m) continue;
    const [, proc, type, f, value] = m;
    if (!TYPES.has(type)) {
      throw new InputError(
        `line ${line}: expected :invoke, :ok, :fail or :info after process ${proc}, got "${type}"`,
        line,
      );
    }
    if (!/^\d+$/.test(proc)) {
      throw new InputError(`line ${line}: expected a process number, got "${proc}"`, line);
    }
    if (type === ":invoke") {
      if (open.has(proc)) {
        throw new InputError(
          `line ${line}: process ${proc} invokes again before its operation of line ${
            open.get(proc)!.op.call
          } completed; expected :ok, :fail or :info first`,
          line,
        );
      }
      const op: Op<RegisterInput, RegisterOutput> = {
        id: done.length,
        client: proc,
        input: parseInput(f, value, line),
        output: undefined,
        call: line,
        ret: Infinity,
        source: `line ${line}`,
      };
      open.set(proc, { op, f });
      done.push(op);
      continue;
    }
    const o = open.get(proc);
    if (!o) {
      throw new InputError(
        `line ${line}: ${type} for process ${proc}, which has no open :invoke; expected its :invoke first`,
        line,
      );
    }
    if (o.f !== f) {
      throw new InputError(
        `line ${line}: ${type} :${f} completes process ${proc}'s :${o.f}; expected :${o.f}`,
        line,
      );
    }
    open.delete(proc);
    if (f !== "read") parseInput(f, value, line); // its value must read as the invocation's did
    if (type === ":fail") {
      done[o.op.id] = null;
      continue;
    }
    if (type === ":info") continue; // unknown outcome: ret stays Infinity
    o.op.ret = line;
    if (f === "read") o.op.output = { value: parseValue(value, line, "the value read") };
    else o.op.output = {};
  }
  for (const op of done) if (op) ops.push(op);
  return ops.map((op, id) => ({ ...op, id }));
}
