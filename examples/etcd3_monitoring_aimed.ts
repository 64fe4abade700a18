/**
 * The etcd3 monitoring subject with its monitor marked primary, so node
 * faults (which prefer primaries) hit the watching side too, not only the
 * members: `--subject ./examples/etcd3_monitoring_aimed.ts`. The subject's
 * code is scenarios/monitoring/etcd3.ts, unchanged.
 */
import type { MonitorFactory } from "../scenarios/monitoring/subject.ts";
import { etcd3Monitor } from "../scenarios/monitoring/etcd3.ts";

const aimed: MonitorFactory = (ctx, client, prefix) => {
  ctx.report({ primary: true });
  return etcd3Monitor(ctx, client, prefix);
};

export default aimed;
