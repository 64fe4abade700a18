import type { BuiltinChecker } from "../../../lib/checks/checker.ts";
import { DeadlineTally } from "../../../lib/checks/deadline.ts";
import { faultWindows, operations } from "../../../lib/history/event.ts";
import { aliveAt, clusterFaults, faultsOn, lifetimes } from "../../../lib/checks/lifetimes.ts";
import type { RegisterValue, RegistryNames } from "../../../lib/checks/registry_names.ts";
import { DISCOVERY_NAMES } from "../../../lib/checks/registry_names.ts";
import { views } from "../../../lib/checks/views.ts";

/** Faults after which a live registrant may have to register again. */
const LOSING = new Set(["kill-lease", "partition-node", "pause-node"]);

/**
 * After its lease is revoked (`kill-lease`), or a cut or pause that cost it
 * its registration heals, a service is registered again (an acknowledged
 * register under a new lease) within one keep-alive interval (TTL / 3, as
 * etcd's clients keep alive) + `slackMs` (default 1 s), counted from the
 * revocation or the heal. A cut or pause is judged when it did cost the
 * registration: some reader's view dropped the key, or the service itself
 * registered anew. Windows that other faults on the service or member faults
 * overlap are not judged.
 */
export function reregistrationChecker(
  o: { names?: RegistryNames; slackMs?: number } = {},
): BuiltinChecker {
  const names = o.names ?? DISCOVERY_NAMES;
  const slack = o.slackMs ?? 1000;
  return {
    name: "re-registration",
    exercise: { faults: [...LOSING], role: names.registrant },
    description:
      "after kill-lease, or a cut or pause that cost the registration, the service is back within one keep-alive interval + 1 s",
    check(input) {
      const { history, ttlMs } = input;
      const keepAliveMs = ttlMs / 3;
      const bound = keepAliveMs + slack;
      const lives = lifetimes(history);
      const allNodes = new Set(lives.map((l) => l.node));
      const ops = operations(history);
      const registers = ops.filter((x) => x.f === names.register);
      const leaves = ops.filter((x) => x.f === "deregister");
      const all = views(history, names.view);
      const end = history.reduce((m, e) => Math.max(m, e.time), 0);
      const windows = faultWindows(history);
      const tally = new DeadlineTally({ figure: "reregisterMs", boundMs: bound, history });
      for (const w of windows) {
        if (!LOSING.has(w.fault) || w.targets.length !== 1) continue;
        const target = aliveAt(lives, w.targets[0], w.start);
        if (!target || target.role !== names.registrant) continue;
        const mine = registers.filter((r) =>
          r.node === target.node && r.incarnation === target.incarnation
        );
        const before = mine.filter((r) => r.outcome === "ok" && r.complete!.time <= w.start).at(-1);
        if (!before) continue; // not registered yet: nothing to lose
        const { key, lease } = before.complete!.value as RegisterValue;
        const from = w.fault === "kill-lease" ? w.start : w.stop;
        const deadline = from + bound;
        if (w.fault === "kill-lease") {
          const detail = w.detail as { lease?: string; revoked?: boolean } | undefined;
          if (
            detail?.revoked === false || (detail?.lease !== undefined && detail.lease !== lease)
          ) {
            continue; // a stale lease: the registration did not depend on it
          }
        }
        const back = mine.find((r) =>
          r.outcome === "ok" && r.complete!.time > w.start &&
          (r.complete!.value as RegisterValue).lease !== lease
        );
        if (w.fault !== "kill-lease") {
          const dropped = all.some((v) =>
            v.time >= w.start && v.time <= w.stop + ttlMs + slack && !(key in v.services) &&
            all.some((u) => u.node === v.node && u.time < v.time && key in u.services)
          );
          if (!dropped && !(back && back.complete!.time <= deadline)) continue; // kept its lease
        }
        if (deadline > end || target.end < deadline) continue;
        const others = faultsOn(windows, target.node, w.start, deadline).filter((x) =>
          x.id !== w.id
        );
        // A service that left on its own (churn) after its last registration, before the fault or
        // in its window, had nothing to lose to it and comes back on its own schedule.
        const left = leaves.some((x) =>
          x.node === target.node && x.incarnation === target.incarnation &&
          x.invoke.time >= before.complete!.time && x.invoke.time <= deadline
        );
        if (
          left || others.length > 0 ||
          clusterFaults(windows, allNodes, w.start, deadline).length > 0
        ) {
          tally.skip();
          continue;
        }
        tally.judge(back ? Math.max(0, back.complete!.time - from) : undefined, {
          fault: w,
          service: { node: target.node, incarnation: target.incarnation, key, lease },
          back: back
            ? {
              node: back.node,
              time: Math.round(back.complete!.time),
              value: back.complete!.value,
            }
            : null,
        }, from);
      }
      return tally.result(input, {
        exercisedBy: [...LOSING],
        idle: "no lease revoked or lost in a window free of other faults",
        late: (n, text) => `${n} service(s) not back within ${Math.round(bound)} ms (${text})`,
        ok: (n, text) => `${n} re-registration(s) within ${Math.round(bound)} ms: ${text}`,
      });
    },
  };
}
