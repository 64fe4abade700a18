/**
 * The Docker engine as the harness uses it: testcontainers' runtime client
 * (its dockerode underneath for what testcontainers lacks: kill, pause,
 * network disconnect), the labels every container and network carries, and
 * the clean-up of what runs that died left behind.
 */
import { getContainerRuntimeClient } from "testcontainers";
import type { ContainerRuntimeClient } from "testcontainers";
import { HarnessError } from "../proc/errors.ts";

/** Label naming the run that made a container or network. */
export const RUN_LABEL = "etcd-drills.run";
/** Label holding the pid of the harness process that owns it. */
export const PID_LABEL = "etcd-drills.pid";

/** The labels of everything one run makes. */
export function runLabels(runId: string): Record<string, string> {
  return { [RUN_LABEL]: runId, [PID_LABEL]: String(Deno.pid) };
}

/** The dockerode client under testcontainers' runtime client. */
export type Dockerode = ContainerRuntimeClient["container"]["dockerode"];

let client: Promise<ContainerRuntimeClient> | undefined;

/**
 * Whether a Docker engine may be there at all: DOCKER_HOST or the usual
 * socket. Lets callers skip the slower discovery when there is surely none.
 */
export function dockerConfigured(): boolean {
  if (Deno.env.get("DOCKER_HOST")) return true;
  try {
    return Deno.statSync("/var/run/docker.sock").isSocket === true;
  } catch {
    return false;
  }
}

/**
 * testcontainers' client of the Docker engine, found once per process.
 * Sets TESTCONTAINERS_RYUK_DISABLED=true when unset: the reaper image cannot
 * be pulled where no registry is reachable, and the harness cleans up itself.
 */
export function docker(): Promise<ContainerRuntimeClient> {
  if (Deno.env.get("TESTCONTAINERS_RYUK_DISABLED") === undefined) {
    Deno.env.set("TESTCONTAINERS_RYUK_DISABLED", "true");
  }
  client ??= (async () => {
    if (!dockerConfigured()) throw new Error("no /var/run/docker.sock and no DOCKER_HOST");
    return await getContainerRuntimeClient();
  })().catch((e) => {
    client = undefined;
    throw new HarnessError(
      `no Docker engine answers (${
        oneLine(e)
      }): start one (e.g. dockerd as root) or use --cluster process`,
    );
  });
  return client;
}

/** Whether a Docker engine answers; never throws. */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await (await docker()).container.dockerode.ping();
    return true;
  } catch {
    return false;
  }
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Removes a run's containers (forcibly) and networks; what is already gone is fine. */
export async function removeRun(d: Dockerode, runId: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`${RUN_LABEL}=${runId}`] });
  const removed: string[] = [];
  const containers = await d.listContainers({ all: true, filters });
  await Promise.all(containers.map(async (c) => {
    try {
      await d.getContainer(c.Id).remove({ force: true, v: true });
      removed.push(`container ${c.Names[0]?.replace(/^\//, "") ?? c.Id}`);
    } catch (e) {
      if (!/no such container|404/i.test(oneLine(e))) throw e;
    }
  }));
  for (const n of await d.listNetworks({ filters })) {
    try {
      await d.getNetwork(n.Id).remove();
      removed.push(`network ${n.Name}`);
    } catch (e) {
      if (!/not found|no such network|404/i.test(oneLine(e))) throw e;
    }
  }
  return removed;
}

/**
 * Removes the containers and networks of runs whose harness process is gone
 * (a crash, a SIGKILL), as the process kind removes their temp dirs. Runs of
 * live processes are left alone. Returns what it removed.
 */
export async function sweepStaleDocker(d: Dockerode): Promise<string[]> {
  const filters = JSON.stringify({ label: [RUN_LABEL] });
  const owners = new Map<string, string | undefined>();
  for (const c of await d.listContainers({ all: true, filters })) {
    owners.set(c.Labels[RUN_LABEL], c.Labels[PID_LABEL]);
  }
  for (const n of await d.listNetworks({ filters })) {
    owners.set(n.Labels?.[RUN_LABEL] ?? "", n.Labels?.[PID_LABEL]);
  }
  const removed: string[] = [];
  for (const [runId, pid] of owners) {
    if (!runId) continue;
    const owner = Number(pid);
    if (Number.isInteger(owner) && owner > 0 && (owner === Deno.pid || alive(owner))) continue;
    removed.push(...await removeRun(d, runId));
  }
  return removed;
}

/**
 * A watchdog for one run: a small shell process in its own session that
 * waits for its stdin to close, then removes the run's containers and
 * network with the docker CLI. The runner holds the other end of the pipe,
 * so a runner that dies outright (SIGKILL, crash) still leaves nothing
 * behind; after a normal stop it finds nothing and exits. Undefined when
 * the docker CLI or setsid is missing: the next run's sweep then cleans up.
 */
export function spawnWatchdog(runId: string): { close(): Promise<void> } | undefined {
  const script = `trap '' INT TERM HUP
cat >/dev/null
ids=$(docker ps -aq --filter "label=${RUN_LABEL}=$1")
[ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1
nets=$(docker network ls -q --filter "label=${RUN_LABEL}=$1")
[ -n "$nets" ] && docker network rm $nets >/dev/null 2>&1
exit 0`;
  let child: Deno.ChildProcess;
  try {
    if (
      !new Deno.Command("docker", { args: ["--version"], stdout: "null", stderr: "null" })
        .outputSync().success
    ) return undefined;
    child = new Deno.Command("setsid", {
      args: ["sh", "-c", script, "etcd-drills-watchdog", runId],
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    return undefined;
  }
  child.unref();
  const writer = child.stdin.getWriter();
  return {
    async close() {
      await writer.close().catch(() => {});
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 15_000);
      await child.status;
      clearTimeout(timer);
    },
  };
}
