/**
 * Container tests run only where a Docker engine answers. Without one they
 * are registered as ignored and say so; with CI=true that is a failure
 * instead (.ci/run starts an engine). The local etcd image is built when
 * missing, so a test never depends on a registry.
 */
import { docker, dockerAvailable, PID_LABEL, RUN_LABEL } from "../../lib/cluster/docker.ts";
import { oneContainerTestAtATime } from "./container_turns.ts";
import {
  buildLocalImage,
  defaultImage,
  imageExists,
  OFFICIAL_IMAGE,
} from "../../lib/cluster/image.ts";

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

/**
 * A test that needs a Docker engine: ignored (and said so above) where there
 * is none. Container tests take turns (see {@link oneContainerTestAtATime}).
 */
export function containerTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, ignore: noContainers !== undefined, fn: () => oneContainerTestAtATime(fn) });
}

/**
 * Containers and networks of harness runs this test process made (itself or
 * a runner it started) or whose runner is gone (left behind; none may
 * outlive a run). Those of another live runner (a test file running beside
 * this one, another user's run) are not counted, so test files may run in
 * parallel.
 */
export async function harnessLeftovers(): Promise<string[]> {
  const d = (await docker()).container.dockerode;
  const filters = JSON.stringify({ label: [RUN_LABEL] });
  const counted = (labels: Record<string, string> | undefined) => {
    const pid = Number(labels?.[PID_LABEL]);
    return !Number.isInteger(pid) || !processAlive(pid) || descendsFromMe(pid);
  };
  const containers = (await d.listContainers({ all: true, filters })).filter((c) =>
    counted(c.Labels)
  );
  const networks = (await d.listNetworks({ filters })).filter((n) => counted(n.Labels));
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

/** Whether `pid` is this process or one it started (through any number of parents). */
function descendsFromMe(pid: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    if (p === Deno.pid) return true;
    try {
      const stat = Deno.readTextFileSync(`/proc/${p}/stat`);
      p = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return false;
    }
  }
  return false;
}

/** Retries `ok` until it holds, for at most `ms`. */
export async function eventually(what: string, ok: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!await ok()) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
