/**
 * Reads the kv scenario's operations out of the project's history
 * (history.ndjson: one event per line, see lib/history/event.ts) into kv
 * model operations. README.md in this folder lists the operation names and
 * value shapes. A `fail` completion did not happen and is left out; an
 * `info` completion, or none, is an unknown outcome. Every granted lease may
 * also expire on its own from its grant's invocation + TTL on (an assumed
 * unknown-outcome revoke), since the history does not say when keep-alives stopped.
 */
import type { HistoryEvent, OpEvent } from "../history/event.ts";
import type { Op } from "./model.ts";
import type { KeyValue, KvInput, KvOutput, TxnCompare, TxnThen } from "./kv_types.ts";
import { InputError } from "./input_error.ts";

/** The operation names of the kv scenario. */
export const KV_OPS = ["get", "range", "put", "delete", "txn", "grant", "revoke"] as const;

/** What {@link kvOpsFromHistory} read. */
export interface KvHistory {
  ops: Op<KvInput, KvOutput>[];
  /** Operations of other names, left out. */
  skipped: number;
}

/** Parses history.ndjson text into events, with line numbers for errors. */
export function parseHistoryText(text: string): { event: HistoryEvent; line: number }[] {
  const out: { event: HistoryEvent; line: number }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === "") continue;
    let e: unknown;
    try {
      e = JSON.parse(t);
    } catch {
      throw new InputError(
        `line ${i + 1}: expected one JSON event per line (history.ndjson)`,
        i + 1,
      );
    }
    if (typeof e !== "object" || e === null || typeof (e as { kind?: unknown }).kind !== "string") {
      throw new InputError(`line ${i + 1}: expected an event object with a "kind"`, i + 1);
    }
    out.push({ event: e as HistoryEvent, line: i + 1 });
  }
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const leaseId = (v: unknown): string | undefined => isStr(v) ? v : isNum(v) ? String(v) : undefined;

function fail(line: number, what: string): never {
  throw new InputError(`line ${line}: expected ${what}`, line);
}

function keyValue(v: unknown, line: number, where: string): KeyValue {
  if (
    !isObj(v) || !isStr(v.key) || !isStr(v.value) || !isNum(v.createRevision) ||
    !isNum(v.modRevision) || !isNum(v.version)
  ) {
    fail(line, `${where} as {key, value, createRevision, modRevision, version[, lease]}`);
  }
  const lease = leaseId(v.lease);
  return {
    key: v.key,
    value: v.value,
    createRevision: v.createRevision,
    modRevision: v.modRevision,
    version: v.version,
    ...(lease !== undefined ? { lease } : {}),
  };
}

function request(e: OpEvent, line: number): KvInput {
  const v = e.value;
  const o = isObj(v) ? v : {};
  const serializable = o.serializable === true ? { serializable: true } : {};
  switch (e.f) {
    case "get":
      if (!isStr(o.key)) fail(line, `a get's value {key[, serializable]}`);
      return { f: "get", key: o.key, ...serializable };
    case "range":
      if (!isStr(o.prefix)) fail(line, `a range's value {prefix[, serializable]}`);
      return { f: "range", prefix: o.prefix, ...serializable };
    case "put": {
      if (!isStr(o.key) || !isStr(o.value)) fail(line, `a put's value {key, value[, lease]}`);
      const lease = leaseId(o.lease);
      return { f: "put", key: o.key, value: o.value, ...(lease ? { lease } : {}) };
    }
    case "delete":
      if (!isStr(o.key)) fail(line, `a delete's value {key}`);
      return { f: "delete", key: o.key };
    case "txn": {
      const c = o.compare, t = o.then;
      let compare: TxnCompare | undefined;
      if (isObj(c) && isStr(c.value)) compare = { value: c.value };
      else if (isObj(c) && isNum(c.modRevision)) compare = { modRevision: c.modRevision };
      let then: TxnThen | undefined;
      if (isObj(t) && isStr(t.put)) {
        const lease = leaseId(t.lease);
        then = { put: t.put, ...(lease ? { lease } : {}) };
      } else if (isObj(t) && t.delete === true) then = { delete: true };
      if (!isStr(o.key) || !compare || !then) {
        fail(
          line,
          `a txn's value {key, compare: {value} | {modRevision}, then: {put[, lease]} | {delete: true}}`,
        );
      }
      return { f: "txn", key: o.key, compare, then };
    }
    case "grant":
      if (!isNum(o.ttl)) fail(line, `a grant's value {ttl} (seconds)`);
      return { f: "grant", ttl: o.ttl };
    case "revoke": {
      const lease = leaseId(o.lease);
      if (lease === undefined) fail(line, `a revoke's value {lease}`);
      return { f: "revoke", lease };
    }
  }
  fail(line, `one of ${KV_OPS.join(", ")}`);
}

function response(input: KvInput, e: OpEvent, line: number): KvOutput {
  const v = e.value;
  const revision = isNum(e.revision) ? { revision: e.revision } : {};
  switch (input.f) {
    case "get": {
      const kv = isObj(v) && "kv" in v ? v.kv : v;
      return {
        ...revision,
        kv: kv === null || kv === undefined ? null : keyValue(kv, line, "a get's answer"),
      };
    }
    case "range": {
      const list = Array.isArray(v) ? v : isObj(v) && Array.isArray(v.kvs) ? v.kvs : undefined;
      if (!list) fail(line, "a range's answer as a list of keys");
      return {
        ...revision,
        kvs: list.map((kv) => keyValue(kv, line, "each key of a range's answer")),
      };
    }
    case "put":
      return { ...revision };
    case "delete":
      if (!isObj(v) || !isNum(v.deleted)) fail(line, "a delete's answer {deleted}");
      return { ...revision, deleted: v.deleted };
    case "txn": {
      if (!isObj(v) || typeof v.succeeded !== "boolean") {
        fail(line, "a txn's answer {succeeded[, kv][, deleted]}");
      }
      const out: KvOutput = { ...revision, succeeded: v.succeeded };
      if ("kv" in v) out.kv = v.kv === null ? null : keyValue(v.kv, line, "a txn's else get");
      if (isNum(v.deleted)) out.deleted = v.deleted;
      return out;
    }
    case "grant": {
      const lease = isObj(v) ? leaseId(v.lease) : undefined;
      if (lease === undefined) fail(line, "a grant's answer {lease[, ttl]}");
      return { ...revision, lease, ...(isObj(v) && isNum(v.ttl) ? { ttl: v.ttl } : {}) };
    }
    case "revoke":
      return { ...revision, ...(isObj(v) && v.found === false ? { found: false } : {}) };
  }
}

/** The kv operations of a history (events with line numbers, as {@link parseHistoryText} gives). */
export function kvOpsFromHistory(
  events: readonly { event: HistoryEvent; line: number }[],
): KvHistory {
  const names = new Set<string>(KV_OPS);
  const open = new Map<string, Op<KvInput, KvOutput>>();
  const ops: (Op<KvInput, KvOutput> | null)[] = [];
  let skipped = 0;
  for (const { event: e, line } of events) {
    if (e.kind !== "op") continue;
    if (!names.has(e.f)) {
      if (e.type === "invoke") skipped++;
      continue;
    }
    const id = `${e.node}#${e.incarnation}#${e.op}`;
    if (!isNum(e.time)) fail(line, `a numeric "time"`);
    if (e.type === "invoke") {
      const op: Op<KvInput, KvOutput> = {
        id: ops.length,
        client: e.node,
        input: request(e, line),
        output: undefined,
        call: e.time,
        ret: Infinity,
        source: `line ${line}`,
      };
      open.set(id, op);
      ops.push(op);
      continue;
    }
    const op = open.get(id);
    if (!op) continue; // a completion whose invocation is not in the history: nothing to judge
    open.delete(id);
    if (e.type === "fail") ops[op.id] = null;
    else if (e.type === "ok") {
      op.ret = e.time;
      op.output = response(op.input, e, line);
    }
  }
  const kept = ops.filter((op): op is Op<KvInput, KvOutput> => op !== null);
  // A granted lease may expire on its own once its TTL has run from its grant.
  const expiries: Op<KvInput, KvOutput>[] = [];
  for (const op of kept) {
    if (op.input.f !== "grant" || !op.output?.lease) continue;
    const ttl = op.output.ttl ?? op.input.ttl;
    expiries.push({
      id: 0,
      client: op.client,
      input: { f: "revoke", lease: op.output.lease, expiry: true },
      output: undefined,
      call: op.call + ttl * 1000,
      ret: Infinity,
      source: `${op.source}, its TTL`,
    });
  }
  return {
    ops: [...kept, ...expiries].map((op, id) => ({ ...op, id })),
    skipped,
  };
}
