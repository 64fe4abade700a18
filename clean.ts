/** `deno task clean`: removes what runs that were killed outright left behind. */
import { sweepStale } from "./lib/cluster/stale.ts";

const removed = await sweepStale();
console.log(removed.length === 0 ? "nothing to clean" : `removed ${removed.join(", ")}`);
