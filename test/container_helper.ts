/**
 * Container tests run only where a Docker engine answers. Without one they
 * are registered as ignored and say so; with CI=true that is a failure
 * instead (.ci/run starts an engine). The local etcd image is built when
 * missing, so a test never depends on a registry.
 */
import { docker, dockerAvailable, PID_LABEL, RUN_LABEL } from "../lib/cluster/docker.ts";
import {
  buildLocalImage,
  defaultImage,
  imageExists,
  OFFICIAL_IMAGE,
} from "../lib/cluster/image.ts";

async function whyNoContainers(): Promise<string | undefined> {
  if (!await dockerAvailable()) {
    try {
      await docker();
      return "the Docker engine does not answer";
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  const image = await defaultImage();
  if (image === OFFICIAL_IMAGE && !await imageExists(image)) await buildLocalImage();
  return undefined;
}

/** Why container tests cannot run here, or undefined when they can. */
export const noContainers: string | undefined = await whyNoContainers();

if (noContainers) {
  if (Deno.env.get("CI") === "true") {
    Deno.test("container tests need a Docker engine in CI", () => {
      throw new Error(`no Docker engine: ${noContainers}`);
    });
  } else {
    console.log(`container tests skipped: ${noContainers}`);
  }
}

/** A test that needs a Docker engine: ignored (and said so above) where there is none. */
export function containerTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, ignore: noContainers !== undefined, fn });
}

/**
 * Containers and networks harness runs left behind (none may outlive a run):
 * those of this process and those whose runner process is gone. Those of a
 * runner still alive (a test file running beside this one, another user's
 * run) are not leftovers yet, so test files may run in parallel.
 */
export async function harnessLeftovers(): Promise<string[]> {
  const d = (await docker()).container.dockerode;
  const filters = JSON.stringify({ label: [RUN_LABEL] });
  const ended = (labels: Record<string, string> | undefined) => {
    const pid = Number(labels?.[PID_LABEL]);
    return !Number.isInteger(pid) || pid === Deno.pid || !processAlive(pid);
  };
  const containers = (await d.listContainers({ all: true, filters })).filter((c) =>
    ended(c.Labels)
  );
  const networks = (await d.listNetworks({ filters })).filter((n) => ended(n.Labels));
  return [
    ...containers.map((c) => `container ${c.Names.join(",")} (${c.State})`),
    ...networks.map((n) => `network ${n.Name}`),
  ];
}

function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Retries `ok` until it holds, for at most `ms`. */
export async function eventually(what: string, ok: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!await ok()) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
