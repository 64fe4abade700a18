/**
 * Service discovery: services register `{name, host, port}` under a prefix
 * with a leased key kept alive; discoverers read the prefix, watch it from
 * the next revision and keep a view. Views must converge to the live set,
 * drop a dead service within TTL + 1.5 s, never show a phantom or go back in
 * revision, and the registry must not leak leases.
 */
import type { Etcd3 } from "etcd3";
import type { Scenario } from "../../lib/scenario/scenario.ts";
import type { NodeContext } from "../../lib/node/context.ts";
import { ok } from "../../lib/node/context.ts";
import type { CensusLease, CensusValue } from "../../lib/checks/census.ts";
import { viewsConvergedChecker } from "./checks/views_converged.ts";
import { viewsAtRevisionChecker } from "./checks/views_at_revision.ts";
import { readKeyLog } from "../../lib/history/key_log.ts";
import type { KeyLog } from "../../lib/history/key_log.ts";
import { removalChecker } from "../../lib/checks/removal.ts";
import { reregistrationChecker } from "./checks/reregistration.ts";
import { phantomChecker } from "./checks/phantoms.ts";
import { monotonicViewsChecker } from "./checks/monotonic_views.ts";
import { leaseHygieneChecker } from "./checks/lease_hygiene.ts";
import type { DiscoverySubject, ServiceInfo } from "./subject.ts";
import { DISCOVERY_SHAPE } from "./subject.ts";
import { subjectOf } from "../../lib/subjects/pick.ts";
import { reference } from "./reference.ts";
import { naive } from "./naive.ts";
import { execDiscovery, execDiscoveryOf } from "./exec.ts";
import { etcd3Discovery } from "./etcd3.ts";
import { requireGoSubject } from "../../go/subjects.ts";

const SUBJECTS: Record<string, DiscoverySubject> = {
  reference,
  naive,
  etcd3: etcd3Discovery,
  go: execDiscoveryOf(() => [requireGoSubject("go")]),
  "go-seed": execDiscoveryOf(() => [requireGoSubject("go-seed")]),
};
const CHOICES = { builtins: SUBJECTS, shape: DISCOVERY_SHAPE, exec: execDiscovery };

const registry = (prefix: string) => `${prefix}services/`;

/**
 * The service this node incarnation offers. A restarted process binds a new
 * port, so each incarnation is its own instance (its own key): a killed
 * instance must leave the views even though its node comes back.
 */
function serviceInfo(ctx: NodeContext): ServiceInfo {
  const n = Number(ctx.node.replace(/\D/g, ""));
  return { name: "greeter", host: "127.0.0.1", port: 20000 + 100 * n + ctx.incarnation };
}

/**
 * Registers, and registers again whenever the subject says so, until
 * stopped; deregisters on stop. With `churnMs` the service also comes and
 * goes on its own: after a seeded spell of about `churnMs` registered it
 * deregisters (`why: "churn"`), stays away for `churnGapMs`, and registers
 * again with a fresh subject, so the registry changes all through the run,
 * not only under faults, and views are judged against many revisions. Only
 * odd-numbered services churn; the others stay registered and report
 * themselves primary, so faults aim at them: a churn leave in a fault's
 * window would hide whether the subject re-registers after the fault cost
 * it its lease (the re-registration check skips such windows).
 */
async function service(ctx: NodeContext): Promise<void> {
  const info = serviceInfo(ctx);
  const key = `${registry(ctx.prefix)}${info.name}/${info.host}:${info.port}`;
  const value = JSON.stringify(info);
  const churns = Number(ctx.node.replace(/\D/g, "")) % 2 === 1;
  const churnMs = churns ? Number(ctx.params.churnMs ?? 0) : 0;
  const gapMs = Number(ctx.params.churnGapMs ?? 1000);
  const stopped = new Promise<undefined>((r) =>
    ctx.signal.addEventListener("abort", () => r(undefined), { once: true })
  );
  while (!ctx.signal.aborted) {
    const subject = subjectOf(ctx, CHOICES).service(ctx, key, value);
    const leave = churnMs > 0
      ? ctx.sleep(ctx.between(0.5, 1.5) * churnMs).then(() => "churn" as const)
      : stopped;
    let left = false;
    while (!ctx.signal.aborted && !left) {
      const out = await ctx.op("register", { key, value }, async () => {
        const r = await subject.register();
        return { ...r, value: { key, value, ...(r.value as object) } };
      });
      if (out?.type !== "ok") {
        await ctx.sleep(100);
        continue;
      }
      ctx.report({ primary: churnMs === 0, lease: subject.lease() });
      const why = await Promise.race([subject.next(), stopped, leave]);
      if (why === "churn") left = !ctx.signal.aborted;
      else if (why && why !== "refresh tick") {
        await ctx.op("lost", { key, why }, () => Promise.resolve(ok()));
      }
    }
    await ctx.op("deregister", { key, why: left ? "churn" : "stop" }, async () => {
      await subject.close();
      return ok();
    });
    if (left) await ctx.sleep(gapMs);
  }
}

/** Keeps the subject's view, recording each one; takes a census of etcd's registry and leases meanwhile. */
async function discoverer(ctx: NodeContext): Promise<void> {
  const client = ctx.client();
  const prefix = registry(ctx.prefix);
  const subject = subjectOf(ctx, CHOICES).discoverer(ctx, client, prefix);
  await Promise.all([
    subject.run((services, revision) => {
      ctx.op("view", undefined, () => Promise.resolve(ok({ revision, services }, revision)));
    }),
    census(ctx, client, prefix),
  ]);
}

/** Every `censusMs`: the registry at one revision and every lease with its keys (checkers judge the last). */
async function census(ctx: NodeContext, client: Etcd3, prefix: string): Promise<void> {
  const every = Number(ctx.params.censusMs ?? 1000);
  while (!ctx.signal.aborted) {
    await ctx.op("census", undefined, async () => {
      const listed = await client.leaseClient.leaseLeases();
      const leases: CensusLease[] = await Promise.all(listed.leases.map(async (l) => {
        const r = await client.leaseClient.leaseTimeToLive({ ID: l.ID, keys: true });
        return { id: String(l.ID), ttl: Number(r.TTL), keys: r.keys.map((k) => k.toString()) };
      }));
      const res = await client.getAll().prefix(prefix).exec();
      const value: CensusValue = {
        revision: Number(res.header.revision),
        services: Object.fromEntries(res.kvs.map((kv) => [kv.key.toString(), kv.value.toString()])),
        leases,
      };
      return ok(value, value.revision);
    });
    await ctx.sleep(every);
  }
}

/** etcd's record of the registry prefix: the truth each view is judged against at its revision. */
async function finalReads(client: Etcd3, prefix: string): Promise<{ registry: KeyLog | null }> {
  return { registry: await readKeyLog(client, registry(prefix)).catch(() => null) };
}

const scenario: Scenario = {
  name: "discovery",
  description: "service registry: leased registrations kept alive, discoverers read then watch",
  subjects: {
    reference:
      "one lease kept alive through any member, re-registered when lost; discoverers watch from the read revision + 1",
    naive:
      "a fresh lease every refresh tick, never revoked; discoverers watch from now and act on creates only (the classic write-up)",
    etcd3:
      "etcd3 as its README teaches: client.lease(ttl).put(key) kept alive, re-granted on 'lost'; getAll().prefix() then watch().prefix().startRevision().create() with its own resume",
    go:
      "Go on clientv3 (go/recipes): concurrency.Session leases; read, then Watch WithRev(read + 1), read again after a compaction; built with `deno task go-subjects`",
    "go-seed":
      "the classic write-up in Go: a fresh lease every tick, never revoked; the watcher watches from now and acts on creates; built with `deno task go-subjects`",
  },
  subjectShape: DISCOVERY_SHAPE,
  execProtocol: "docs/exec-protocol.md#discovery",
  defaultSubject: "reference",
  roles: { service, discoverer },
  layout: (nodes) => {
    const n = Math.max(2, nodes ?? 6);
    const readers = n >= 4 ? 2 : 1;
    return [...Array(n - readers).fill("service"), ...Array(readers).fill("discoverer")];
  },
  defaultFaults: ["kill-node", "kill-lease", "partition-node"],
  // A longer quiesce: a service killed just before the heal needs its TTL to run out before the final census.
  // Churn: every other service leaves for a second about every 4 s on its own, faults or not.
  params: { censusMs: 1000, quiesceMs: 5000, churnMs: 4000, churnGapMs: 1000 },
  finalReads,
  // The census lists every lease in etcd, not only the run's: another run's would read as leaks.
  needsOwnCluster: "its census counts every lease in etcd",
  expectations: [
    {
      subject: "reference",
      faults: ["kill-node", "kill-lease", "partition-node"],
      valid: true,
      seed: 12,
      durationMs: 15_000,
    },
    {
      subject: "naive",
      faults: ["kill-node", "kill-lease", "partition-node"],
      valid: false,
      seed: 12,
      durationMs: 15_000,
    },
    // The Go subjects (deno task go-subjects; FINDINGS.md): seeds 1 and 2 over 15 s gave the same verdict.
    {
      subject: "go",
      faults: ["kill-node", "kill-lease", "partition-node"],
      valid: true,
      seed: 1,
      durationMs: 15_000,
    },
    {
      subject: "go-seed",
      faults: ["kill-node", "kill-lease", "partition-node"],
      valid: false,
      seed: 1,
      durationMs: 15_000,
    },
  ],
  // A discoverer waits for a new view once a service registered or left.
  progress: { ops: ["view"], roles: ["discoverer"], after: ["register", "deregister"] },
  checkers: [
    viewsAtRevisionChecker({
      log: (final) => (final as { registry?: KeyLog | null } | undefined)?.registry,
    }),
    viewsConvergedChecker(),
    removalChecker(),
    reregistrationChecker(),
    phantomChecker(),
    monotonicViewsChecker(),
    leaseHygieneChecker(),
  ],
};

export default scenario;
