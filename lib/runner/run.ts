import { Etcd3 } from "etcd3";
import type { Scenario } from "../scenario.ts";
import type { Cluster } from "../cluster/cluster.ts";
import { kindCapabilities, startCluster } from "../cluster/create.ts";
import type { ClusterOptions } from "../cluster/create.ts";
import { clientOptions, nodeConnect } from "../cluster/connect.ts";
import { HistoryWriter, wallClock } from "../history/writer.ts";
import { NodeHandle } from "../node/node_handle.ts";
import { resolveFaults } from "../../chaos/mod.ts";
import { planFaults } from "../../chaos/schedule.ts";
import type { PlannedFault } from "../../chaos/schedule.ts";
import { planFaultNames } from "../../chaos/plan_file.ts";
import { Nemesis } from "../../chaos/nemesis.ts";
import { overall, runCheckers } from "../checkers/checker.ts";
import type { NamedResult, Validity } from "../checkers/checker.ts";
import { onCleanup } from "./cleanup.ts";
import { Progress } from "./progress.ts";
import { convergenceCheck } from "./convergence.ts";
import { operations } from "../history/event.ts";
import { writeReportHtml } from "../report/html.ts";
import { UsageError } from "../errors.ts";

/** Everything a run needs; the CLI fills it from flags and the scenario's defaults. */
export interface RunOptions {
  scenario: Scenario;
  /** URL of the scenario module (node processes import it). */
  scenarioUrl: string;
  subject: string;
  members: number;
  /** undefined: the scenario's default layout. */
  nodes?: number;
  durationMs: number;
  /** Fault names, "all" or "none". */
  faults: string[];
  faultIntervalMs: number;
  /** An exact schedule (--faults-file), used instead of one drawn from the seed; it names its faults. */
  faultPlan?: PlannedFault[];
  seed: number;
  /** Lease TTL, seconds. */
  ttl: number;
  /** Where run directories go. */
  outDir: string;
  portsFrom?: number;
  /** The cluster kind and its own settings (default: a process cluster). */
  cluster?: Omit<ClusterOptions, "members" | "logDir" | "portsFrom">;
  /** Extra scenario params (override the scenario's defaults). */
  params?: Record<string, unknown>;
  /** Progress lines on stderr. */
  progress?: boolean;
}

/** What results.json holds. */
export interface RunResult {
  version: 1;
  scenario: string;
  subject: string;
  cluster: { kind: string; members: number };
  seed: number;
  ttl: number;
  durationMs: number;
  faults: string[];
  plan: PlannedFault[];
  /** Planned faults that found nothing to hit. */
  skippedFaults: number[];
  valid: Validity;
  checks: NamedResult[];
  stats: { operations: number; ok: number; fail: number; info: number; events: number };
  dir: string;
  startedAt: string;
  elapsedMs: number;
}

/**
 * One run: set-up → workload with faults → heal all → quiesce → final reads
 * → checkers → results.json. Everything it starts is torn down before it
 * returns, whatever happens.
 */
export async function runScenario(o: RunOptions): Promise<RunResult> {
  // Refuse faults the cluster kind cannot do before anything starts.
  const kind = o.cluster?.kind ?? "process";
  const faults = resolveFaults(
    o.faultPlan ? planFaultNames(o.faultPlan) : o.faults,
    await kindCapabilities(kind),
  );
  const started = new Date();
  const origin = wallClock();
  const dir = await makeRunDir(o.outDir, o.scenario.name, o.subject, o.seed, started);
  const history = await HistoryWriter.open(`${dir}/history.ndjson`, origin);
  const progress = new Progress(o.progress ?? false, o.scenario.name, o.subject, o.durationMs);
  const ttlMs = o.ttl * 1000;
  const params = { ...o.scenario.params, ...o.params };
  let cluster: Cluster | undefined;
  let admin: Etcd3 | undefined;
  // Every key of the run lives below this prefix; it is removed at the end (on an
  // operator's cluster nothing else is touched), also after a Ctrl-C.
  const prefix = `/drills/${o.scenario.name}/${started.getTime().toString(36)}-${
    crypto.randomUUID().slice(0, 8)
  }/`;
  let keysRemoved = false;
  const removeKeys = async () => {
    if (!admin || keysRemoved) return;
    keysRemoved = true;
    await admin.delete().prefix(prefix).options({ deadline: new Date(Date.now() + 5000) }).exec();
  };
  const forgetKeys = onCleanup("run keys", removeKeys);
  const nodes: NodeHandle[] = [];
  const disposeNodes = () => Promise.all(nodes.map((n) => n.dispose())).then(() => {});
  const forgetNodes = onCleanup("nodes", disposeNodes);
  const phase = (name: string) => {
    history.append({ kind: "phase", phase: name, time: history.now() });
    progress.phase(name);
  };
  try {
    phase("setup");
    cluster = await startCluster({
      kind,
      ...o.cluster,
      members: o.members,
      logDir: `${dir}/etcd`,
      portsFrom: o.portsFrom,
    });
    await cluster.waitReady(30_000);
    const connect = o.cluster?.connect;
    admin = new Etcd3({
      hosts: cluster.members.map((m) => m.clientUrl),
      ...clientOptions(connect),
    });
    const layout = o.scenario.layout(o.nodes);
    await Deno.mkdir(`${dir}/nodes`, { recursive: true });
    for (const [i, role] of layout.entries()) {
      nodes.push(
        new NodeHandle(
          {
            id: `n${i + 1}`,
            role,
            logDir: `${dir}/nodes`,
            config: {
              scenario: o.scenarioUrl,
              subject: o.subject,
              prefix,
              ttl: o.ttl,
              seed: o.seed,
              params,
              connect: nodeConnect(connect, cluster.members.map((m) => m.clientUrl)),
            },
          },
          cluster.members.map((m) => m.clientUrl),
          history,
        ),
      );
    }
    // A node that cannot run its subject stops the run: the user's module does not fit.
    const unfit = Promise.race(nodes.map((n) => n.fatal())).then((why) => {
      throw new UsageError(`subject ${o.subject} cannot run: ${why}`);
    });
    unfit.catch(() => {});
    await Promise.all(nodes.map((n) => n.start()));
    await Promise.race([
      withTimeout(Promise.all(nodes.map((n) => n.ready())), 60_000, "nodes did not start"),
      unfit,
    ]);

    const plan = o.faultPlan ?? planFaults({
      faults,
      durationMs: o.durationMs,
      intervalMs: o.faultIntervalMs,
      seed: o.seed,
      ttlMs,
    });
    const nemesis = new Nemesis(
      {
        cluster,
        nodes,
        admin,
        ttlMs,
        busyNodes: new Set(),
        busyMembers: new Set(),
        now: () => history.now(),
      },
      faults,
      history,
      (active) => progress.faults(active),
    );
    phase("workload");
    nemesis.run(plan);
    await Promise.race([progress.tick(o.durationMs, history), unfit]);

    phase("heal");
    await nemesis.healAll();
    // A node killed by a fault is back (its heal restarted it); make sure none stays down.
    await Promise.all(nodes.filter((n) => !n.alive).map((n) => n.start()));

    const converged = await convergenceCheck(cluster, 10_000);

    phase("quiesce");
    await new Promise((r) => setTimeout(r, Number(params.quiesceMs ?? ttlMs + 1000)));
    await Promise.all(nodes.map((n) => n.stop(Number(params.stopGraceMs ?? 5000))));

    phase("final");
    const final = o.scenario.finalReads ? await o.scenario.finalReads(admin, prefix) : undefined;
    await Deno.writeTextFile(`${dir}/final.json`, JSON.stringify(final, null, 2));
    await removeKeys();
    phase("check");
    const checks = [
      converged,
      ...runCheckers(o.scenario.checkers, {
        history: history.events,
        final,
        ttlMs,
        params,
        plannedFaults: plan.map((p) => p.fault),
      }),
    ];
    const ops = operations(history.events);
    const result: RunResult = {
      version: 1,
      scenario: o.scenario.name,
      subject: o.subject,
      cluster: { kind: cluster.kind, members: cluster.members.length },
      seed: o.seed,
      ttl: o.ttl,
      durationMs: o.durationMs,
      faults: faults.map((f) => f.name),
      plan,
      skippedFaults: nemesis.skipped.map((p) => p.id),
      valid: overall(checks),
      checks,
      stats: {
        operations: ops.length,
        ok: ops.filter((x) => x.outcome === "ok").length,
        fail: ops.filter((x) => x.outcome === "fail").length,
        info: ops.filter((x) => x.outcome === "info").length,
        events: history.events.length,
      },
      dir,
      startedAt: started.toISOString(),
      elapsedMs: Math.round(wallClock() - origin),
    };
    await Deno.writeTextFile(`${dir}/results.json`, JSON.stringify(result, null, 2) + "\n");
    await writeReportHtml(dir, result, history.events);
    return result;
  } finally {
    progress.done();
    await disposeNodes();
    forgetNodes();
    await removeKeys().catch(() => {});
    forgetKeys();
    admin?.close();
    await cluster?.stop();
    history.close();
  }
}

async function makeRunDir(
  outDir: string,
  scenario: string,
  subject: string,
  seed: number,
  at: Date,
): Promise<string> {
  const stamp = at.toISOString().replace(/[:.]/g, "-").replace("Z", "");
  // A module path or an exec: command names the subject too; keep the directory name plain.
  const slug = subject.replace(/^exec:/, "exec-").replace(/[^A-Za-z0-9_.-]+/g, "_")
    .replace(/^[_.]+/, "").slice(-40);
  const base = `${outDir}/${stamp}-${scenario}-${slug}-${seed}`;
  for (let i = 0;; i++) {
    const dir = i === 0 ? base : `${base}-${i}`;
    try {
      await Deno.mkdir(dir, { recursive: false });
      return await Deno.realPath(dir);
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) continue;
      if (e instanceof Deno.errors.NotFound) {
        await Deno.mkdir(outDir, { recursive: true });
        continue;
      }
      throw e;
    }
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) =>
        timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
