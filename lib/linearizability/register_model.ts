/**
 * Jepsen's register: read, write and compare-and-set on one value per key.
 * A key absent from the input is the single register of a Jepsen log.
 */
import type { Model, Op, Partition } from "./model.ts";

/** A register's value: `null` is nothing written yet (Jepsen's `nil`). */
export type RegisterValue = number | string | null;

/** A register operation. `key` partitions a history of several registers. */
export type RegisterInput =
  | { f: "read"; key?: string }
  | { f: "write"; key?: string; value: RegisterValue }
  | { f: "cas"; key?: string; from: RegisterValue; to: RegisterValue };

/**
 * What a register operation returned: the value a read saw; nothing for a
 * write or a cas that succeeded (a cas that failed is `fail`: not in the history).
 */
export type RegisterOutput = { value?: RegisterValue };

/** The register's state; `undefined` is "any value" (a window's unknown start). */
export type RegisterState = RegisterValue | undefined;

const valueKey = (v: RegisterState): string =>
  v === undefined
    ? "?"
    : v === null
    ? "nil"
    : typeof v === "number"
    ? String(v)
    : JSON.stringify(v);

const show = (v: RegisterState): string =>
  v === undefined
    ? "any"
    : v === null
    ? "nil"
    : typeof v === "number"
    ? String(v)
    : JSON.stringify(v);

/** Jepsen's register model (initial value `nil`). */
export const registerModel: Model<RegisterState, RegisterInput, RegisterOutput> = {
  name: "register",
  init: () => null,
  anyState: () => undefined,
  step(state, input, output) {
    switch (input.f) {
      case "read": {
        if (output === undefined) return [state];
        const v = output.value ?? null;
        return state === undefined || state === v ? [v] : [];
      }
      case "write":
        return [input.value];
      case "cas":
        // An unknown cas whose compare fails did nothing: the same as leaving it out.
        return state === undefined || state === input.from ? [input.to] : [];
    }
  },
  key: valueKey,
  readOnly: (input) => input.f === "read",
  partition(ops) {
    const parts = new Map<string, Op<RegisterInput, RegisterOutput>[]>();
    for (const op of ops) {
      const k = op.input.key ?? "";
      let list = parts.get(k);
      if (!list) parts.set(k, list = []);
      list.push(op);
    }
    return [...parts].map(([name, ops]): Partition<RegisterInput, RegisterOutput> => ({
      name: name === "" ? "register" : name,
      ops,
    }));
  },
  describeOp(input, output) {
    switch (input.f) {
      case "read":
        return `read → ${output === undefined ? "?" : show(output.value ?? null)}`;
      case "write":
        return `write ${show(input.value)}`;
      case "cas":
        return `cas ${show(input.from)} → ${show(input.to)}`;
    }
  },
  describeState: (s) => show(s),
  specialize(ops) {
    // Values no read returns and no cas expects are alike: one key for all of them.
    const seen = new Set<string>();
    for (const op of ops) {
      if (op.input.f === "read" && op.output) seen.add(valueKey(op.output.value ?? null));
      if (op.input.f === "cas") seen.add(valueKey(op.input.from));
    }
    const unseen = (v: RegisterValue) => !seen.has(valueKey(v));
    return {
      ...registerModel,
      key: (s) => s === undefined || !unseen(s) ? valueKey(s) : "unseen",
      // A write of a value nobody sees, when the state is already unseen, changes nothing that
      // anything can tell: placing it now is as good as any later place (it only erases).
      // An unknown write of a value nobody sees could only erase, which never lets anything
      // else happen: leave it out.
      prune: (ops) =>
        ops.filter((op) =>
          op.ret !== Infinity ||
          (op.input.f === "write"
            ? !unseen(op.input.value)
            : op.input.f === "cas"
            ? !unseen(op.input.to)
            : true)
        ),
      observes: (input, output) =>
        (input.f === "read" && output !== undefined) ||
        (input.f === "write" && unseen(input.value)),
    };
  },
};
