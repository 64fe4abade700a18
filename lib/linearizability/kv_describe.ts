/** kv operations as a person reads them. */
import type { KeyValue, KvInput, KvOutput } from "./kv_types.ts";
import { leaseOf } from "./kv_types.ts";

const show = (v: string) => JSON.stringify(v);
const showKv = (kv: KeyValue | null | undefined): string =>
  kv === undefined
    ? "?"
    : kv === null
    ? "none"
    : `${
      show(kv.value)
    } (create ${kv.createRevision}, mod ${kv.modRevision}, version ${kv.version}${
      leaseOf(kv.lease) ? `, lease ${kv.lease}` : ""
    })`;
const rev = (o: KvOutput | undefined) =>
  o === undefined ? " (outcome unknown)" : o.revision === undefined ? "" : ` @${o.revision}`;

/** An operation as a person reads it. */
export function describeKvOp(input: KvInput, output: KvOutput | undefined): string {
  switch (input.f) {
    case "get":
      return `${input.serializable ? "serializable " : ""}${
        input.range !== undefined
          ? `range ${show(input.range)}… sees ${show(input.key)}`
          : `get ${show(input.key)}`
      } → ${showKv(output?.kv)}${rev(output)}`;
    case "range":
      return `${input.serializable ? "serializable " : ""}range ${show(input.prefix)}… → ${
        output?.kvs ? `${output.kvs.length} keys` : "?"
      }${rev(output)}`;
    case "put":
      return `put ${show(input.key)} = ${show(input.value)}${
        leaseOf(input.lease) ? ` lease ${input.lease}` : ""
      }${rev(output)}`;
    case "delete":
      return `delete ${show(input.key)}${
        output?.deleted !== undefined ? ` → deleted ${output.deleted}` : ""
      }${rev(output)}`;
    case "txn": {
      const cmp = "value" in input.compare
        ? `value = ${show(input.compare.value)}`
        : `mod = ${input.compare.modRevision}`;
      const then = "put" in input.then ? `put ${show(input.then.put)}` : "delete";
      const res = output === undefined
        ? ""
        : output.succeeded
        ? " → then"
        : ` → else ${output.kv !== undefined ? showKv(output.kv) : ""}`;
      return `txn ${show(input.key)} if ${cmp} then ${then}${res}${rev(output)}`;
    }
    case "grant":
      return `grant ttl ${input.ttl}${output?.lease ? ` → lease ${output.lease}` : ""}`;
    case "revoke":
      return input.expiry
        ? `lease ${input.lease} may expire`
        : `revoke lease ${input.lease}${output?.found === false ? " → not found" : ""}${
          rev(output)
        }`;
  }
}
