import { Etcd3 } from "etcd3";
import { startCluster } from "../cluster/create.ts";
import { clientOptions, dialHosts, nodeConnect, withUser } from "../cluster/connect.ts";
import { NodeHandle } from "../node/node_handle.ts";
import { UsageError } from "../proc/errors.ts";
import type { RunContext } from "./run_context.ts";
import { StartedRun } from "./started_run.ts";
import type { ConnectOptions } from "../cluster/connect.ts";
import { withTimeout } from "../proc/with_timeout.ts";

/** Deadline of each attempt of an admin call without one of its own, ms. */
const ADMIN_CALL_MS = 5000;

/**
 * The setup phase: the cluster (unless the run shares one), an admin client
 * and every node of the scenario's layout, started and ready; what it made is
 * torn down again if it fails half way. Returns what it started and `unfit`,
 * a promise that rejects when a node finds its subject unfit to run (a
 * user's module that does not fit): the later phases race it. (Wrapped in an
 * object: an async function returning it bare would wait for it.)
 */
export async function setup(
  run: RunContext,
): Promise<{ started: StartedRun; unfit: Promise<never> }> {
  const o = run.o;
  const cluster = o.sharedCluster ?? await startCluster({
    kind: o.cluster?.kind ?? "process",
    ...o.cluster,
    members: o.members,
    logDir: `${run.dir}/etcd`,
    portsFrom: o.portsFrom,
  });
  let started: StartedRun | undefined;
  try {
    await cluster.waitReady(30_000);
    // The cluster's own TLS and root user (--tls, --auth), else the operator's (--cluster external).
    const connect = cluster.access ?? o.cluster?.connect;
    const clientUrls = cluster.members.map((m) => m.clientUrl);
    started = new StartedRun(
      run,
      cluster,
      new Etcd3({
        hosts: dialHosts(clientUrls, connect),
        ...clientOptions(connect),
        // A deadline per attempt: etcd3 retries a failed call with the options it was given, so a
        // fixed date passed to one call is already spent on its retry ("exceeded after 0.001s").
        defaultCallOptions: (c) =>
          c.isStream ? {} : { deadline: new Date(Date.now() + ADMIN_CALL_MS) },
      }),
    );
    const { unfit } = await startNodes(run, started, connect);
    return { started, unfit };
  } catch (e) {
    if (started) await started.close();
    else if (!o.sharedCluster) await cluster.stop();
    throw e;
  }
}

/**
 * Starts the layout's nodes; resolves when all are ready, with the race of
 * their fatal messages (wrapped: an async function returning it bare would
 * wait for it).
 */
async function startNodes(
  run: RunContext,
  s: StartedRun,
  connect: ConnectOptions | undefined,
): Promise<{ unfit: Promise<never> }> {
  const o = run.o;
  const layout = o.scenario.layout(o.nodes);
  // With --auth each node connects as a user of its own, allowed only below the prefix.
  const users = await s.cluster.usersFor?.(run.prefix, layout.map((_, i) => `n${i + 1}`)) ?? {};
  await Deno.mkdir(`${run.dir}/nodes`, { recursive: true });
  for (const [i, role] of layout.entries()) {
    s.nodes.push(
      new NodeHandle(
        {
          id: `n${i + 1}`,
          role,
          logDir: `${run.dir}/nodes`,
          config: {
            scenario: o.scenarioUrl,
            subject: o.subject,
            prefix: run.prefix,
            ttl: o.ttl,
            seed: o.seed,
            params: run.params,
            connect: withUser(nodeConnect(connect, s.clientUrls), users[`n${i + 1}`]),
          },
        },
        s.clientUrls,
        run.history,
      ),
    );
  }
  // A node that cannot run its subject stops the run: the user's module does not fit.
  const unfit = Promise.race(s.nodes.map((n) => n.fatal())).then((why): never => {
    throw new UsageError(`subject ${o.subject} cannot run: ${why}`);
  });
  unfit.catch(() => {});
  await Promise.all(s.nodes.map((n) => n.start()));
  await Promise.race([
    withTimeout(Promise.all(s.nodes.map((n) => n.ready())), 60_000, "nodes did not start"),
    unfit,
  ]);
  return { unfit };
}
