/**
 * Load balancing: gRPC Greeter servers register their address in etcd;
 * clients resolve the service through an etcd-backed gRPC resolver and call
 * round-robin, recording which server answered. A server that is gone from
 * etcd must stop getting calls, live servers must share the calls fairly, and
 * calls must keep succeeding outside fault windows.
 */
import type { Etcd3 } from "etcd3";
import type { Scenario } from "../../lib/scenario/scenario.ts";
import type { NodeContext } from "../../lib/node/context.ts";
import { fail, ok } from "../../lib/node/context.ts";
import { feedTarget } from "./grpc_resolver.ts";
import { readKeyLog } from "../../lib/history/key_log.ts";
import { availabilityChecker } from "./checks/availability.ts";
import { deadRoutingChecker, phantomRoutingChecker } from "./checks/calls.ts";
import type { BalancingFinal } from "./checks/calls.ts";
import { fairnessChecker } from "./checks/fairness.ts";
import { listsAtRevisionChecker } from "./checks/lists_at_revision.ts";
import { GreeterClient, GreeterServer } from "./greeter.ts";
import type { LbSubject } from "./subject.ts";
import { LB_SHAPE } from "./subject.ts";
import { subjectOf } from "../../lib/subjects/pick.ts";
import { execLb } from "./exec.ts";
import { goProgram } from "../../go/program_subject.ts";
import { reference } from "./reference.ts";
import { naive } from "./naive.ts";
import { etcd3Lb } from "./etcd3.ts";

const SUBJECTS: Record<string, LbSubject> = {
  reference,
  naive,
  etcd3: etcd3Lb,
  go: goProgram(execLb, "go"),
  "go-seed": goProgram(execLb, "go-seed"),
};
const CHOICES = { builtins: SUBJECTS, shape: LB_SHAPE, exec: execLb };

/** Where servers register: key `registry + addr`, value `addr` (the write-up's layout). */
const registryOf = (prefix: string) => `${prefix}services/greeter/`;

/** Runs a Greeter server, keeps it registered until stopped, then drains it. */
async function server(ctx: NodeContext): Promise<void> {
  const greeter = await GreeterServer.start({ node: ctx.node, incarnation: ctx.incarnation });
  // Servers are what fails in a balancer's world: faults aim here.
  ctx.report({ primary: true });
  await subjectOf(ctx, CHOICES).serve(ctx, registryOf(ctx.prefix), greeter.addr);
  await greeter.stop(Number(ctx.params.drainIdleMs), Number(ctx.params.drainMaxMs));
}

/** Resolves the service through the subject's feed and calls it round-robin at a steady pace. */
async function client(ctx: NodeContext): Promise<void> {
  const feed = subjectOf(ctx, CHOICES).feed(ctx, registryOf(ctx.prefix));
  // Each list is recorded once the balancer has it: the checkers judge routing from then on.
  const target = feedTarget(feed, (u) => {
    ctx.op("resolve", undefined, () => Promise.resolve(ok({ addrs: u.addrs }, u.revision)));
  });
  const greeter = new GreeterClient(target);
  // Calls start once a server is connected: before that there is nothing to balance.
  while (!ctx.signal.aborted && !(await greeter.waitForReady(1000))) { /* not yet */ }
  const everyMs = Number(ctx.params.callEveryMs);
  const deadlineMs = Number(ctx.params.callDeadlineMs);
  for (let seq = 1; !ctx.signal.aborted; seq++) {
    await ctx.op("call", undefined, async () => {
      const r = await greeter.sayHello(`${ctx.node}.${ctx.incarnation}.${seq}`, deadlineMs);
      return r.ok
        ? ok({ server: r.server, peer: r.peer })
        : fail(`gRPC status ${r.code}: ${r.details}`, { peer: r.peer, code: r.code });
    });
    await ctx.sleep(everyMs);
  }
  greeter.close();
  feed.close();
}

/** etcd's own log of the registry prefix: the truth the checkers judge the clients' views against. */
async function finalReads(client: Etcd3, prefix: string): Promise<BalancingFinal> {
  try {
    return { registry: await readKeyLog(client, registryOf(prefix)) };
  } catch (e) {
    return { registry: null, error: String(e) };
  }
}

const scenario: Scenario = {
  name: "load-balancing",
  description:
    "gRPC Greeter servers register in etcd; clients resolve through an etcd-backed resolver, round-robin",
  subjects: {
    reference:
      "kept-alive lease, re-registered when lost; resolver applies the watch by key, revision by revision",
    naive:
      "a new lease every interval; resolver removes a delete event's (empty) value (the classic write-up)",
    etcd3:
      "etcd3 as its README teaches: client.lease(ttl).put(key) kept alive, re-granted on 'lost'; resolver feed from getAll().prefix() then watch().prefix().startRevision().create()",
    go:
      "Go on clientv3: servers register under a concurrency.Session; the resolver reads, then watches WithRev(read + 1); built with `deno task go-subjects`",
    "go-seed":
      "the classic write-up in Go: a fresh lease every tick; the resolver removes a delete event's (empty) value; built with `deno task go-subjects`",
  },
  subjectShape: LB_SHAPE,
  execProtocol: "docs/exec-protocol.md#load-balancing",
  defaultSubject: "reference",
  roles: { server, client },
  layout: (nodes) => {
    const n = Math.max(2, nodes ?? 6);
    const clients = Math.max(1, Math.round(n / 3));
    return Array.from({ length: n }, (_, i) => i < n - clients ? "server" : "client");
  },
  defaultFaults: ["kill-node", "pause-node", "kill-lease", "partition-node"],
  params: {
    callEveryMs: 20,
    callDeadlineMs: 1000,
    drainIdleMs: 300,
    drainMaxMs: 2000,
    // Long enough after heal for restarted servers to register and a steady window to follow.
    quiesceMs: 6000,
  },
  expectations: [
    {
      subject: "reference",
      faults: ["kill-node", "pause-node", "kill-lease", "partition-node"],
      valid: true,
      seed: 72,
      durationMs: 15_000,
    },
    { subject: "naive", faults: ["kill-node"], valid: false, seed: 72, durationMs: 15_000 },
    // The Go subjects (deno task go-subjects; FINDINGS.md): seeds 1 and 2 over 15 s gave the same verdict.
    {
      subject: "go",
      faults: ["kill-node", "pause-node", "kill-lease", "partition-node"],
      valid: true,
      seed: 1,
      durationMs: 15_000,
    },
    {
      subject: "go-seed",
      faults: ["kill-node", "pause-node", "kill-lease", "partition-node"],
      valid: false,
      seed: 1,
      durationMs: 15_000,
    },
  ],
  finalReads,
  // A client's calls keep succeeding.
  progress: { ops: ["call"], roles: ["client"] },
  checkers: [
    deadRoutingChecker(),
    fairnessChecker(),
    availabilityChecker(),
    phantomRoutingChecker(),
    listsAtRevisionChecker(),
  ],
};

export default scenario;
