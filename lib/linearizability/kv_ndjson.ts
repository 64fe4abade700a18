/**
 * Writes kv corpus records as the project's history.ndjson (the shapes
 * README.md documents and {@link kvOpsFromHistory} reads), for tests and
 * for trying the CLI on a generated history.
 */
import type { OpEvent } from "../history/event.ts";
import type { CorpusRecord } from "./corpus_record.ts";
import type { KvInput, KvOutput } from "./kv_types.ts";

function requestOf(input: KvInput): unknown {
  const { f: _f, ...rest } = input;
  return rest;
}

function responseOf(input: KvInput, out: KvOutput): unknown {
  switch (input.f) {
    case "get":
      return out.kv ?? null;
    case "range":
      return out.kvs ?? [];
    case "put":
      return {};
    case "delete":
      return { deleted: out.deleted ?? 0 };
    case "txn":
      return {
        succeeded: out.succeeded === true,
        ...(out.kv !== undefined ? { kv: out.kv } : {}),
        ...(out.deleted !== undefined ? { deleted: out.deleted } : {}),
      };
    case "grant":
      return { lease: out.lease, ttl: out.ttl };
    case "revoke":
      return out.found === false ? { found: false } : {};
  }
}

/** The history events of kv records (node `n<client>`, incarnation from 1), one JSON per line. */
export function toKvNdjson(records: readonly CorpusRecord<KvInput, KvOutput>[]): string {
  const events: OpEvent[] = [];
  records.forEach((r, i) => {
    const base = {
      kind: "op" as const,
      op: i + 1,
      node: `n${r.client}`,
      incarnation: r.incarnation + 1,
      f: r.input.f,
    };
    events.push({ ...base, type: "invoke", value: requestOf(r.input), time: r.call });
    if (r.outcome === "ok") {
      events.push({
        ...base,
        type: "ok",
        value: responseOf(r.input, r.output ?? {}),
        ...(r.output?.revision !== undefined ? { revision: r.output.revision } : {}),
        time: r.ret,
      });
    } else {events.push({
        ...base,
        type: r.outcome,
        error: r.outcome === "info" ? "timed out" : "failed",
        time: r.ret,
      });}
  });
  events.sort((a, b) => a.time - b.time);
  return events.map((e) => JSON.stringify(e)).join("\n") + "\n";
}
