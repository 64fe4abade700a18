import { Etcd3 } from "etcd3";
import { KeyArchive } from "../history/key_archive.ts";
import { startCluster } from "../cluster/create.ts";
import { clientOptions, dialHosts, nodeConnect, withUser } from "../cluster/connect.ts";
import { NodeHandle } from "../node/node_handle.ts";
import { UsageError } from "../proc/errors.ts";
import type { RunContext } from "./run_context.ts";
import { withTimeout } from "../proc/with_timeout.ts";

/** Deadline of each attempt of an admin call without one of its own, ms. */
const ADMIN_CALL_MS = 5000;

/**
 * The setup phase: the cluster (unless the run shares one), an admin client
 * and every node of the scenario's layout, started and ready. Returns
 * `unfit`, a promise that rejects when a node finds its subject unfit to run
 * (a user's module that does not fit): the later phases race it. (Wrapped in
 * an object: an async function returning it bare would wait for it.)
 */
export async function setup(run: RunContext): Promise<{ unfit: Promise<never> }> {
  const o = run.o;
  run.cluster = o.sharedCluster ?? await startCluster({
    kind: o.cluster?.kind ?? "process",
    ...o.cluster,
    members: o.members,
    logDir: `${run.dir}/etcd`,
    portsFrom: o.portsFrom,
  });
  await run.cluster.waitReady(30_000);
  // The cluster's own TLS and root user (--tls, --auth), else the operator's (--cluster external).
  const connect = run.cluster.access ?? o.cluster?.connect;
  run.admin = new Etcd3({
    hosts: dialHosts(run.clientUrls, connect),
    ...clientOptions(connect),
    // A deadline per attempt: etcd3 retries a failed call with the options it was given, so a
    // fixed date passed to one call is already spent on its retry ("exceeded after 0.001s").
    defaultCallOptions: (c) => c.isStream ? {} : { deadline: new Date(Date.now() + ADMIN_CALL_MS) },
  });
  // What a compaction takes from etcd's record of the run's keys, kept for the final reads.
  run.archive = new KeyArchive(run.admin, run.prefix);
  const layout = o.scenario.layout(o.nodes);
  // With --auth each node connects as a user of its own, allowed only below the prefix.
  const users = await run.cluster.usersFor?.(run.prefix, layout.map((_, i) => `n${i + 1}`)) ?? {};
  await Deno.mkdir(`${run.dir}/nodes`, { recursive: true });
  for (const [i, role] of layout.entries()) {
    run.nodes.push(
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
            connect: withUser(nodeConnect(connect, run.clientUrls), users[`n${i + 1}`]),
          },
        },
        run.clientUrls,
        run.history,
      ),
    );
  }
  // A node that cannot run its subject stops the run: the user's module does not fit.
  const unfit = Promise.race(run.nodes.map((n) => n.fatal())).then((why): never => {
    throw new UsageError(`subject ${o.subject} cannot run: ${why}`);
  });
  unfit.catch(() => {});
  await Promise.all(run.nodes.map((n) => n.start()));
  await Promise.race([
    withTimeout(Promise.all(run.nodes.map((n) => n.ready())), 60_000, "nodes did not start"),
    unfit,
  ]);
  return { unfit };
}
