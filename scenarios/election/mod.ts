/**
 * Leader election: `candidate` nodes campaign; the leader does leader-only
 * work (writes guarded, or not, by its leadership), then resigns and
 * campaigns again; `observer` nodes follow the leader. A leader paused past
 * its TTL is deposed: only fencing keeps its late writes out.
 */
import type { Etcd3 } from "etcd3";
import type { Scenario } from "../../lib/scenario/scenario.ts";
import type { NodeContext } from "../../lib/node/context.ts";
import { fail, ok } from "../../lib/node/context.ts";
import { readKeyLog } from "../../lib/history/key_log.ts";
import type { KeyLog } from "../../lib/history/key_log.ts";
import { leadershipCheckers } from "./checks/leadership.ts";
import type { LeaderLook, WriteValue } from "./checks/leadership.ts";
import { regrantChecker } from "../../lib/checks/regrant.ts";
import type { ElectionSubject, ElectionSubjectFactory } from "./subject.ts";
import { ELECTION_SHAPE } from "./subject.ts";
import { subjectOf } from "../../lib/subjects/pick.ts";
import { execElection } from "./exec.ts";
import { goProgram } from "../../go/program_subject.ts";
import { reference } from "./reference.ts";
import { etcd3Election } from "./etcd3_election.ts";
import { naive } from "./naive.ts";
import { etcdctlElection } from "./etcdctl_election.ts";

const SUBJECTS: Record<string, ElectionSubjectFactory> = {
  reference,
  etcd3: etcd3Election,
  naive,
  etcdctl: etcdctlElection,
  go: goProgram(execElection, "go"),
  "go-seed": goProgram(execElection, "go-seed"),
};
const CHOICES = { builtins: SUBJECTS, shape: ELECTION_SHAPE, exec: execElection };

/** Every election key lives below this (etcd3's election named "e" puts its keys here too). */
const electionPrefix = (prefix: string) => `${prefix}election/e/`;
const workKey = (ctx: NodeContext) => `${ctx.prefix}work`;

function subjectFor(ctx: NodeContext, client: Etcd3): ElectionSubject {
  return subjectOf(ctx, CHOICES)(ctx, {
    client,
    prefix: electionPrefix(ctx.prefix),
    identity: `${ctx.node}#${ctx.incarnation}`,
  });
}

/** Campaigns, leads for a term of leader-only writes (stops at the first rejected one), resigns, again. */
async function candidate(ctx: NodeContext): Promise<void> {
  const client = ctx.client();
  const subject = subjectFor(ctx, client);
  const identity = `${ctx.node}#${ctx.incarnation}`;
  const prefix = electionPrefix(ctx.prefix);
  while (!ctx.signal.aborted) {
    const won = await ctx.op("campaign", { identity }, () => subject.campaign());
    if (won?.type !== "ok") {
      await ctx.sleep(100);
      continue;
    }
    const token = (won.value as { token?: number | null }).token ?? null;
    ctx.report({ primary: true, lease: subject.lease() });
    const writes = Number(ctx.params.termWrites);
    for (let seq = 1; seq <= writes && !ctx.signal.aborted; seq++) {
      const done = await ctx.op("write", { identity, seq }, async () => {
        const res = await subject.write(
          [client.put(workKey(ctx)).value(JSON.stringify({ identity, token, seq }))],
          // etcd's leader at the write's revision, read in the same transaction: what the checker trusts.
          client.getAll().prefix(prefix).sort("Create", "Ascend").limit(1),
        );
        const [kv] = res.responses[res.responses.length - 1].response_range.kvs;
        const leader: LeaderLook | null = kv
          ? { identity: kv.value.toString(), createRevision: Number(kv.create_revision) }
          : null;
        const value: WriteValue & { seq: number } = { identity, token, seq, leader };
        return res.succeeded
          ? ok(value, res.header.revision)
          : fail("not written: no longer the leader", value, res.header.revision);
      });
      if (done?.type === "fail" || seq === writes) break; // deposed, or the term is over
      await ctx.sleep(Number(ctx.params.writeEveryMs));
    }
    ctx.report({ primary: false, lease: subject.lease() });
    await ctx.op("resign", { identity }, () => subject.resign());
  }
}

/** Follows the leader and records every change it sees. */
async function observer(ctx: NodeContext): Promise<void> {
  const subject = subjectFor(ctx, ctx.client());
  await subject.observe((leader, revision) => {
    const value = { leader: leader?.identity ?? null, token: leader?.token ?? null };
    ctx.op("observe", undefined, () => Promise.resolve(ok(value, revision)));
  }, ctx.signal);
}

async function finalReads(
  client: Etcd3,
  prefix: string,
): Promise<{ log: KeyLog; work: KeyLog | null }> {
  return {
    log: await readKeyLog(client, electionPrefix(prefix)),
    // Every leader-only write etcd applied, answered or not: each must be its leader's.
    work: await readKeyLog(client, `${prefix}work`).catch(() => null),
  };
}

const log = (final: unknown) => (final as { log?: KeyLog } | undefined)?.log;

const scenario: Scenario = {
  name: "election",
  description:
    "leader election with leader-only writes and observers; fenced by the leader key's create revision or not",
  subjects: {
    reference:
      "campaigns in create-revision order, re-looks before leading, fences writes and resign with the token",
    etcd3:
      "the etcd3 library's client.election(): campaign/resign/observe, works until it emits error, unfenced writes",
    naive:
      "whoever creates the key leads (the classic write-up): unfenced writes, unguarded resign",
    etcdctl:
      "etcd's Go concurrency.Election via `etcdctl elect` / `elect -l`; writes fenced on the leader key's create revision; session TTL fixed at 60 s",
    go:
      "etcd's Go concurrency.Election: Campaign, Observe, Resign; leader-only writes guarded by the leader key's create revision; built with `deno task go-subjects`",
    "go-seed":
      "the classic write-up in Go: 'use the lock' (a concurrency.Mutex on the prefix), unguarded writes, observers read after each event; built with `deno task go-subjects`",
  },
  subjectShape: ELECTION_SHAPE,
  execProtocol: "docs/exec-protocol.md#election",
  defaultSubject: "reference",
  roles: { candidate, observer },
  layout: (nodes) => {
    const n = Math.max(3, nodes ?? 5);
    return [
      ...Array.from({ length: n - 2 }, () => "candidate"),
      "observer",
      "observer",
    ];
  },
  defaultFaults: ["pause-node"],
  params: { termWrites: 8, writeEveryMs: 100 },
  expectations: [
    { subject: "reference", faults: ["pause-node"], valid: true, seed: 108, durationMs: 15_000 },
    // A paused leader resumes and writes before the library has heard that its lease is gone,
    // when the pause caught it between writes; one caught mid-call loses that call to its
    // deadline and hears of the loss first (about 1 pause in 4 under CI's load, so seed 108's
    // two pauses missed in a CI run). Six pauses aimed at the leader: all six miss under 1 in 2000.
    {
      subject: "etcd3",
      faults: ["pause-node"],
      valid: false,
      seed: 108,
      durationMs: 18_000,
      plan: [500, 3400, 6300, 9200, 12_100, 15_000].map((at) => ({
        at,
        fault: "pause-node",
        holdMs: 2800,
      })),
    },
    { subject: "naive", faults: ["pause-node"], valid: false, seed: 108, durationMs: 15_000 },
    // etcdctl elect's session is 60 s: a leader paused past the TTL still leads and nobody takes
    // over (failover late in 8 of 10 seeds over 30 s; seed 7, the test's, in every run; README).
    { subject: "etcdctl", faults: ["pause-node"], valid: false, seed: 7, durationMs: 30_000 },
    // The Go subjects (deno task go-subjects; FINDINGS.md): seeds 1 and 2 over 15 s gave the same verdict.
    { subject: "go", faults: ["pause-node"], valid: true, seed: 1, durationMs: 15_000 },
    { subject: "go-seed", faults: ["pause-node"], valid: false, seed: 1, durationMs: 15_000 },
  ],
  finalReads,
  // Campaigns are contended: while candidates wait, some campaign must keep winning.
  progress: { ops: ["campaign"], roles: ["candidate"], contended: true },
  checkers: [
    ...leadershipCheckers({
      campaign: "campaign",
      write: "write",
      resign: "resign",
      observe: "observe",
      // A watch event and one look: under 0.5 s even at load 11 on 2 cores; "at once" with margin.
      handoverMs: 1500,
      recoverMs: 5000,
      log,
      workLog: (final) => (final as { work?: KeyLog | null } | undefined)?.work ?? undefined,
    }),
    {
      ...regrantChecker({ acquire: "campaign", release: "resign", slackMs: 1500 }),
      name: "failover",
      description:
        "after the leader is killed (or paused or cut off past the TTL, or its lease revoked) another leads within TTL + 1.5 s",
    },
  ],
};

export default scenario;
