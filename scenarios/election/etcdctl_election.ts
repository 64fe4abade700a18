/**
 * etcd's own Go election, `concurrency.Election`, through etcdctl:
 * `etcdctl elect NAME PROPOSAL` campaigns (keys in create-revision order
 * under a session lease), prints the leader key once elected and holds until
 * SIGTERM (then resigns) or until its session ends ("session expired");
 * `etcdctl elect -l NAME` observes. `-w json` gives the key's create
 * revision: leader-only writes are guarded on it, as Go's `Proclaim` guards
 * (`CreateRevision(e.Key()) == e.Rev()`). etcdctl elect takes no TTL: its
 * session has concurrency's default of 60 s, whatever the run's TTL.
 */
import { Buffer } from "node:buffer";
import { fail, ok } from "../../lib/node/context.ts";
import type { Outcome } from "../../lib/node/context.ts";
import { Etcdctl, leaseOfKey } from "../../lib/subjects/etcdctl.ts";
import type { ElectionSubjectFactory, SeenLeader } from "./subject.ts";

/** The leader key etcdctl printed, as this candidate holds it. */
interface Leading {
  proc: Etcdctl;
  key: string;
  token: number;
  lease?: string;
}

/** A line of `etcdctl -w json elect`: a Get response (keys and values in base64). */
interface GetJson {
  header?: { revision?: number };
  kvs?: { key?: string; value?: string; create_revision?: number }[];
}

function parseLeader(
  line: string,
): { key: string; value: string; token: number; revision?: number } {
  const res = JSON.parse(line) as GetJson;
  const kv = res.kvs?.[0];
  if (!kv?.key || kv.create_revision === undefined) {
    throw new Error(`etcdctl elect printed no leader key: ${line.slice(0, 200)}`);
  }
  return {
    key: Buffer.from(kv.key, "base64").toString(),
    value: Buffer.from(kv.value ?? "", "base64").toString(),
    token: kv.create_revision,
    revision: res.header?.revision,
  };
}

/**
 * `etcdctl elect` campaigning and `etcdctl elect -l` observing; leader-only
 * writes fenced by the leader key's create revision; resign by SIGTERM
 * (etcdctl's own `Resign`, guarded the same way).
 */
export const etcdctlElection: ElectionSubjectFactory = (ctx, o) => {
  const c = o.client;
  const name = o.prefix.replace(/\/$/, "");
  const waitMs = Math.max(10_000, 5 * ctx.ttl * 1000);
  const resignMs = Math.max(4000, 2 * ctx.callTimeoutMs);
  let leading: Leading | undefined;
  return {
    async campaign(): Promise<Outcome> {
      const proc = await Etcdctl.start(ctx, [
        "-w",
        "json",
        "--dial-timeout=2s",
        "elect",
        name,
        o.identity,
      ]);
      const got = await proc.nextLine(waitMs, ctx.signal);
      if (got.kind === "line") {
        const l = parseLeader(got.line);
        leading = { proc, key: l.key, token: l.token, lease: leaseOfKey(l.key) };
        ctx.report({ lease: leading.lease });
        return ok({ identity: o.identity, token: l.token, key: l.key }, l.revision);
      }
      if (got.kind === "exited") {
        return fail(`etcdctl elect exited (code ${got.code}) before leading: ${proc.stderrTail()}`);
      }
      // Given up (or stopping): SIGTERM cancels the campaign and etcdctl deletes its key.
      await proc.stop(3000);
      if ((await proc.nextLine(0)).kind === "line") {
        throw new Error("etcdctl was elected as the campaign was given up; it resigned");
      }
      return fail(got.kind === "aborted" ? "stopped" : `not elected after ${waitMs} ms`);
    },
    write(ops, look) {
      const l = leading;
      if (!l) throw new Error("a leader-only write without leadership");
      return c.if(l.key, "Create", "==", l.token).then(...ops, look).else(look).commit();
    },
    async resign(): Promise<Outcome> {
      const l = leading;
      leading = undefined;
      if (!l) return fail("not leading");
      if (l.proc.status?.code === 0) return ok({ identity: o.identity }); // resigned as the node stopped
      if (l.proc.done) return fail(`etcdctl elect had ended: ${l.proc.stderrTail()}`);
      const status = await l.proc.stop(resignMs);
      if (status.signal === "SIGKILL") {
        throw new Error(`etcdctl did not resign within ${resignMs} ms (killed)`);
      }
      if (status.code !== 0) {
        throw new Error(`etcdctl elect exited ${status.code} on resign: ${l.proc.stderrTail()}`);
      }
      return ok({ identity: o.identity });
    },
    async observe(seen, signal) {
      while (!signal.aborted) {
        const proc = await Etcdctl.start(ctx, [
          "-w",
          "json",
          "--dial-timeout=2s",
          "elect",
          "-l",
          name,
        ]);
        while (!signal.aborted) {
          const got = await proc.nextLine(60_000, signal);
          if (got.kind === "timeout") continue;
          if (got.kind !== "line") break;
          let leader: SeenLeader;
          let revision: number | undefined;
          try {
            const l = parseLeader(got.line);
            leader = { identity: l.value, token: l.token };
            revision = l.revision;
          } catch (e) {
            console.error(`observe: ${(e as Error).message}`);
            continue;
          }
          seen(leader, revision);
        }
        await proc.stop(3000);
        if (!signal.aborted) await ctx.sleep(200);
      }
    },
    lease: () => leading?.lease,
  };
};
