/**
 * The `kv` scenario's subject: a client of etcd's KV and lease API as a user's code reaches it
 * (the harness's own client, a library with its retries, a program, a user's module). The
 * scenario owns the workload and the check; the subject only carries out each request.
 */
import type { Etcd3 } from "../../lib/cluster/etcd3_types.ts";
import type { NodeContext, Outcome } from "../../lib/node/context.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";
import type { KvInput } from "../../lib/linearizability/kv_types.ts";

/** One request of the workload (lib/linearizability/README.md lists each with its answer). */
export type KvRequest = KvInput;

/**
 * A kv client under test, for one node. `execute` returns `ok(answer, revision)` with the answer
 * shaped as lib/linearizability/README.md says (a get's `{ kv }`, `null` when the key is missing;
 * a put's `{}` at the put's revision; …) and the response header's revision; `fail(error)` only
 * when etcd refused the request (it surely did not happen: a put under a lease that is gone); a
 * throw when the outcome is unknown (a timeout, a lost connection): recorded as `info`, never
 * `fail`.
 */
export interface KvSubject {
  /** Carries out one request. */
  execute(request: KvRequest): Promise<Outcome>;
}

/** Builds a subject for one node (`client`: the harness's client of this node, without retries). */
export type KvSubjectFactory = (ctx: NodeContext, client: Etcd3) => KvSubject;

/** What a subject module (`--subject ./mine.ts`) must export by default: a {@link KvSubjectFactory}. */
export const KV_SHAPE: SubjectShape = { factory: ["execute"] };
