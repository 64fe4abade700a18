/**
 * Mutant of the reference monitor: it drops delete events of heartbeat keys
 * (a dropped event), so a member whose lease ran out is never reported down.
 */
import { reference } from "../reference.ts";
import type { MonitorFactory } from "../subject.ts";

const mutant: MonitorFactory = (ctx, client, prefix) => {
  const base = reference(ctx, client, prefix);
  return {
    run: (report) =>
      base.run((t) => {
        if (t.state === "down" && t.cause === "heartbeat key deleted") return;
        report(t);
      }),
  };
};

export default mutant;
