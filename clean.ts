/** `deno task clean`: removes what runs that were killed outright left behind. */
import { sweepStale } from "./lib/cluster/stale.ts";
import { docker, dockerConfigured, sweepStaleDocker } from "./lib/cluster/docker.ts";

const removed = await sweepStale();
// Containers and networks of container clusters whose run died, when a Docker engine answers.
if (dockerConfigured()) {
  try {
    removed.push(...await sweepStaleDocker((await docker()).container.dockerode));
  } catch (e) {
    console.error(`docker: ${e instanceof Error ? e.message : e}`);
  }
}
console.log(removed.length === 0 ? "nothing to clean" : `removed ${removed.join(", ")}`);
