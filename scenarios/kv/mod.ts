/**
 * The floor under every recipe: etcd's KV and lease operations, as a client library reaches them,
 * must be linearizable. Clients issue seeded random requests on a small keyspace; the check
 * `linearizable` searches for one order of every operation that respects real time and etcd's
 * revisions (lib/linearizability/), as Jepsen's Knossos and etcd's robustness suite do.
 */
import type { Scenario } from "../../lib/scenario/scenario.ts";
import type { NodeContext } from "../../lib/node/context.ts";
import { subjectOf } from "../../lib/subjects/pick.ts";
import { linearizableChecker } from "../../lib/linearizability/checker.ts";
import { KV_SHAPE } from "./subject.ts";
import type { KvSubjectFactory } from "./subject.ts";
import { drawRequest, remember } from "./workload.ts";
import type { ClientMemory } from "./workload.ts";
import { reference } from "./reference.ts";
import { etcd3 } from "./etcd3.ts";

const SUBJECTS: Record<string, KvSubjectFactory> = { reference, etcd3 };
const CHOICES = { builtins: SUBJECTS, shape: KV_SHAPE };

const keysPrefix = (prefix: string) => `${prefix}kv/`;

/** One client: a request at a time, each recorded with its request and etcd's answer. */
async function client(ctx: NodeContext): Promise<void> {
  const subject = subjectOf(ctx, CHOICES)(ctx, ctx.client());
  const prefix = keysPrefix(ctx.prefix);
  const keys = Array.from({ length: Number(ctx.params.keys) }, (_, i) => `${prefix}k${i}`);
  const memory: ClientMemory = { seen: new Map(), leases: [] };
  const pauseMs = Number(ctx.params.pauseMs);
  ctx.report({ primary: true }); // every client is a client: any may be hit
  for (let seq = 1; !ctx.signal.aborted; seq++) {
    const request = drawRequest({
      random: ctx.random,
      keys,
      prefix,
      unique: `${ctx.node}.${ctx.incarnation}.${seq}`,
      ttl: ctx.ttl,
      memory,
    });
    const { f, ...value } = request;
    const out = await ctx.op(f, value, () => subject.execute(request));
    if (out?.type === "ok") remember(memory, request, out.value, out.revision);
    await ctx.sleep(pauseMs * (0.5 + ctx.random()));
  }
}

const scenario: Scenario = {
  name: "kv",
  description:
    "etcd's KV and lease operations through a client: every operation fits one linearizable order",
  subjects: {
    reference: "the harness's client: one RPC per request, no retries, a lost answer unknown",
    etcd3: "etcd3 with its default fault handling: retries of puts and transactions included",
  },
  subjectShape: KV_SHAPE,
  defaultSubject: "reference",
  roles: { client },
  layout: (nodes) => Array.from({ length: Math.max(1, nodes ?? 5) }, () => "client"),
  defaultFaults: ["partition-node", "kill-node", "kill-member", "partition"],
  params: { keys: 5, pauseMs: 40 },
  // Every request is answered at once by a live etcd: a client stuck on one has stopped.
  progress: {
    ops: ["get", "range", "put", "delete", "txn", "grant", "revoke"],
    roles: ["client"],
  },
  expectations: [
    {
      subject: "reference",
      faults: ["partition-node", "kill-node", "kill-member", "partition"],
      valid: true,
      seed: 1,
      durationMs: 15_000,
    },
    // etcd3's default retry re-sends a put or delete whose first attempt committed (FINDINGS.md).
    { subject: "etcd3", faults: ["flap-node"], valid: false, seed: 1, durationMs: 20_000 },
  ],
  checkers: [linearizableChecker({ budgetMs: 20_000 })],
};

export default scenario;
