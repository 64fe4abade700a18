/**
 * Pub/sub: publishers put messages under a prefix; subscribers watch it and
 * must get every message exactly once, in revision order, across their own
 * restarts, and must say so when a compaction destroyed the history they
 * needed to resume.
 */
import type { Etcd3 } from "etcd3";
import type { Scenario } from "../../lib/scenario/scenario.ts";
import type { NodeContext } from "../../lib/node/context.ts";
import { ok } from "../../lib/node/context.ts";
import { deliveryChecker, noPhantomChecker, revisionOrderChecker } from "./checks/delivery.ts";
import type { BroadcastFinal } from "./checks/delivery.ts";
import { messageId } from "./subject.ts";
import type { PubSubKeys, PubSubSubject } from "./subject.ts";
import { PUBSUB_SHAPE } from "./subject.ts";
import { subjectOf } from "../../lib/subjects/pick.ts";
import { execPubSub } from "./exec.ts";
import { goProgram } from "../../go/program_subject.ts";
import { reference } from "./reference.ts";
import { naive } from "./naive.ts";
import { etcd3PubSub } from "./etcd3.ts";

const SUBJECTS: Record<string, PubSubSubject> = {
  reference,
  naive,
  etcd3: etcd3PubSub,
  go: goProgram(execPubSub, "go"),
  "go-seed": goProgram(execPubSub, "go-seed"),
};
const CHOICES = { builtins: SUBJECTS, shape: PUBSUB_SHAPE, exec: execPubSub };

const keysOf = (prefix: string): PubSubKeys => ({
  messages: `${prefix}messages/`,
  state: `${prefix}subscribers/`,
});

/** Publishes messages with unique ids (node.incarnation.seq) at a steady pace. */
async function publisher(ctx: NodeContext): Promise<void> {
  const client = ctx.client();
  const pub = subjectOf(ctx, CHOICES).publisher(ctx, client, keysOf(ctx.prefix));
  const everyMs = Number(ctx.params.publishEveryMs);
  for (let seq = 1; !ctx.signal.aborted; seq++) {
    const id = `${ctx.node}.${ctx.incarnation}.${seq}`;
    const key = pub.keyFor(id);
    await ctx.op("publish", { id, key }, () => pub.publish(id, key));
    await ctx.sleep(everyMs * (0.5 + ctx.random()));
  }
}

/**
 * Subscribes (or resumes), delivers until asked to stop, then drains: it
 * reads the newest message's revision and delivers up to it, so the checker
 * knows which messages this subscriber had to get.
 */
async function subscriber(ctx: NodeContext): Promise<void> {
  const client = ctx.client();
  const keys = keysOf(ctx.prefix);
  const sub = subjectOf(ctx, CHOICES).subscriber(ctx, client, keys);
  while (!ctx.signal.aborted) {
    const out = await ctx.op("subscribe", undefined, () => sub.subscribe());
    if (out?.type === "ok") break;
    await ctx.sleep(200); // back off: etcd is unreachable right now
  }
  // A subscriber's restart is what resume must survive: faults aim here.
  ctx.report({ primary: true });
  while (!ctx.signal.aborted) {
    try {
      await sub.pump(ctx.signal);
    } catch {
      await ctx.sleep(200);
    }
  }
  const drainSignal = AbortSignal.timeout(Number(ctx.params.drainMs));
  await ctx.op("drain", undefined, async () => {
    const res = await client.getAll().prefix(keys.messages).sort("Mod", "Descend").limit(1)
      .exec();
    const last = Number(res.kvs[0]?.mod_revision ?? 0);
    while (sub.position() < last) {
      if (drainSignal.aborted) throw new Error(`drain timed out at ${sub.position()} of ${last}`);
      try {
        await sub.pump(drainSignal);
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return ok({ through: Number(res.header.revision), last }, res.header.revision);
  });
  sub.close();
}

/** The messages etcd still holds: proof that a publish of unknown outcome happened. */
async function finalReads(client: Etcd3, prefix: string): Promise<BroadcastFinal> {
  const res = await client.getAll().prefix(keysOf(prefix).messages).exec();
  return {
    messages: res.kvs.map((kv) => ({
      id: messageId(kv.value),
      key: kv.key.toString(),
      revision: Number(kv.mod_revision),
    })),
  };
}

const scenario: Scenario = {
  name: "pubsub",
  description:
    "publishers put messages under a prefix; subscribers watch and resume from a checkpoint",
  subjects: {
    reference:
      "unique key per message, every put delivered in revision order, guarded checkpoint, resume, named gaps",
    naive:
      "keys from the clock's second (overwrites), creates only, no resume revision (the classic write-up)",
    etcd3:
      "etcd3 as its README teaches: put per message; watch().prefix().startRevision().create() with its own resume, put events delivered; a plain put checkpoint across restarts",
    go:
      "Go on clientv3: a key per message, a checkpoint key, Watch WithRev(checkpoint + 1), a range read after a compaction; built with `deno task go-subjects`",
    "go-seed":
      "the classic write-up in Go: a key per second of the clock, subscribers watch from now and keep creates; built with `deno task go-subjects`",
  },
  subjectShape: PUBSUB_SHAPE,
  execProtocol: "docs/exec-protocol.md#pubsub",
  defaultSubject: "reference",
  roles: { publisher, subscriber },
  layout: (nodes) => {
    const n = nodes ?? 5;
    const publishers = Math.max(1, Math.min(n - 1, Math.round(n * 0.4)));
    return Array.from({ length: n }, (_, i) => i < publishers ? "publisher" : "subscriber");
  },
  defaultFaults: ["kill-node", "partition-node", "compact"],
  params: { publishEveryMs: 150, drainMs: 6000, stopGraceMs: 10000 },
  expectations: [
    {
      subject: "reference",
      faults: ["kill-node", "partition-node", "compact"],
      valid: true,
      seed: 12,
      durationMs: 15_000,
    },
    { subject: "naive", faults: ["kill-node"], valid: false, seed: 12, durationMs: 15_000 },
    // etcd3's watcher resumes from its last header revision + 1: a catch-up cut by a reset is
    // skipped. The plan of examples/etcd3-pubsub-flap.json, which caught it 10/10 on seed 7.
    {
      subject: "etcd3",
      faults: ["flap-node"],
      valid: false,
      seed: 7,
      durationMs: 20_000,
      plan: [{ at: 2000, fault: "flap-node", holdMs: 7000 }, {
        at: 10_000,
        fault: "flap-node",
        holdMs: 7000,
      }],
    },
    // The Go subjects (deno task go-subjects; FINDINGS.md): seeds 1 and 2 over 15 s gave the same verdict.
    {
      subject: "go",
      faults: ["kill-node", "partition-node", "compact"],
      valid: true,
      seed: 1,
      durationMs: 15_000,
    },
    {
      subject: "go-seed",
      faults: ["kill-node", "partition-node", "compact"],
      valid: false,
      seed: 1,
      durationMs: 15_000,
    },
  ],
  finalReads,
  // Publishers keep publishing; a subscriber waits for a delivery once something was published.
  progress: {
    ops: ["publish", "deliver"],
    roles: ["publisher", "subscriber"],
    after: ["publish"],
  },
  checkers: [deliveryChecker(), revisionOrderChecker(), noPhantomChecker()],
};

export default scenario;
