import type { ITxnResponse } from "etcd3";
import { ExecChannel } from "../../lib/subjects/exec_channel.ts";
import { callUntil, runUntilStopped } from "../../lib/subjects/exec_wait.ts";
import { fail } from "../../lib/node/context.ts";
import { opsOf } from "../../lib/recipes/atomic.ts";
import type { ElectionSubjectFactory } from "./subject.ts";

const text = (b: unknown) => typeof b === "string" ? b : new TextDecoder().decode(b as Uint8Array);

/**
 * The election subject of a program (`--subject 'exec:CMD ARGS'`), over the
 * exec line protocol (docs/exec-protocol.md#election): a candidate's
 * program answers `campaign` once it leads, `write` (a leader-only write
 * with a look at the oldest candidate key in the same transaction) and
 * `resign`; an observer's answers `observe` only when stdin closes and
 * meanwhile writes a `leader` event on every change it sees.
 */
export const execElection: ElectionSubjectFactory = (ctx, o) => {
  const channel = new ExecChannel(ctx, { scenario: "election" });
  const callMs = 2 * ctx.callTimeoutMs;
  // Waiting to lead may take a leader's TTL and more (a pause, a queue of candidates).
  const campaignMs = 3 * ctx.ttl * 1000 + 2 * callMs;
  return {
    async campaign() {
      const out = await callUntil(channel, ctx.signal, {
        name: "campaign",
        args: { prefix: o.prefix, identity: o.identity },
        deadlineMs: campaignMs,
      });
      if (!out) return fail("stopped", { identity: o.identity });
      const token = (out.value as { token?: unknown } | undefined)?.token;
      return {
        ...out,
        value: { identity: o.identity, token: token === undefined ? null : Number(token) },
      };
    },
    async write(ops) {
      const puts = (await opsOf(...ops)).flatMap((op) =>
        op.request_put ? [{ key: text(op.request_put.key), value: text(op.request_put.value) }] : []
      );
      const out = await channel.call("write", { puts, leaderPrefix: o.prefix }, callMs);
      const leader = (out.value as { leader?: unknown } | undefined)?.leader as
        | { identity?: unknown; createRevision?: unknown }
        | null
        | undefined;
      if (out.revision === undefined || !Number.isFinite(out.revision) || leader === undefined) {
        throw new Error("write: the answer needs revision and value.leader (null for none)");
      }
      const kvs = leader === null
        ? []
        : [{ value: String(leader.identity), create_revision: String(leader.createRevision) }];
      // The shape the candidate role reads of a transaction: succeeded, the header, the look last.
      return {
        succeeded: out.type === "ok",
        header: { revision: String(out.revision) },
        responses: [{ response_range: { kvs } }],
      } as unknown as ITxnResponse;
    },
    async resign() {
      const out = await channel.call("resign", { prefix: o.prefix }, callMs);
      return { ...out, value: out.value ?? { identity: o.identity } };
    },
    async observe(seen, signal) {
      channel.on("leader", (e) => {
        const revision = e.revision === undefined ? undefined : Number(e.revision);
        if (e.leader !== null && typeof e.leader !== "string") {
          console.error(`exec: a leader event needs leader (an identity or null); ignored`);
          return;
        }
        const token = e.token === undefined || e.token === null ? undefined : Number(e.token);
        seen(e.leader === null ? null : { identity: e.leader, token }, revision);
      });
      await runUntilStopped(ctx, channel, { name: "observe", args: { prefix: o.prefix }, signal });
    },
    lease: () => channel.lease(),
  };
};
