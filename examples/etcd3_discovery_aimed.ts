/**
 * The etcd3 discovery subject with its discoverers marked primary, so node
 * faults (which prefer primaries) hit the watching side too, not only the
 * services: `--subject ./examples/etcd3_discovery_aimed.ts`. The subject's
 * code is scenarios/discovery/etcd3.ts, unchanged.
 */
import type { DiscoverySubject } from "../scenarios/discovery/subject.ts";
import { etcd3Discovery } from "../scenarios/discovery/etcd3.ts";

const aimed: DiscoverySubject = {
  service: etcd3Discovery.service,
  discoverer(ctx, client, prefix) {
    ctx.report({ primary: true });
    return etcd3Discovery.discoverer(ctx, client, prefix);
  },
};

export default aimed;
