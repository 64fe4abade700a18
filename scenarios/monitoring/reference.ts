import { PrefixView } from "../../lib/recipes/prefix_view.ts";
import type { MonitorFactory } from "./subject.ts";

/**
 * The correct monitor: reads the heartbeat prefix, watches it from the next
 * revision and applies every event in order. A delete is a member going
 * down; a put under a different lease means the member's previous heartbeat
 * session ended (it restarted, or lost its lease and came back) before the
 * old key could expire: down, then up, at that revision, so no flap is lost.
 */
export const reference: MonitorFactory = (ctx, client, prefix) => ({
  async run(report) {
    const member = (key: string) => key.slice(prefix.length);
    const view = new PrefixView(client, prefix, (changes, revision) => {
      for (const c of changes) {
        if (c.type === "delete") {
          report({
            member: member(c.key),
            state: "down",
            revision,
            cause: "heartbeat key deleted",
          });
        } else if (!c.previous) {
          report({ member: member(c.key), state: "up", revision, cause: "heartbeat key created" });
        } else if (c.previous.lease !== c.entry!.lease) {
          const m = member(c.key);
          report({ member: m, state: "down", revision, cause: "heartbeat session replaced" });
          report({ member: m, state: "up", revision, cause: "heartbeat under a new lease" });
        }
      }
    });
    await view.run(ctx.signal, { record: ctx.watchRecorder() });
  },
});
