/**
 * Mutant of the reference monitor: it waits a grace period of one TTL after
 * a heartbeat key disappears before reporting the member down, on top of the
 * TTL etcd already waited (the TTL counted twice).
 */
import { reference } from "../reference.ts";
import type { MonitorFactory } from "../subject.ts";

const mutant: MonitorFactory = (ctx, client, prefix) => {
  const base = reference(ctx, client, prefix);
  return {
    run: (report) =>
      base.run((t) => {
        if (t.state !== "down") return report(t);
        const timer = setTimeout(() => {
          if (!ctx.signal.aborted) report(t);
        }, ctx.ttl * 1000);
        ctx.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
      }),
  };
};

export default mutant;
