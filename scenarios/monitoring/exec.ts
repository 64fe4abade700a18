import { ExecChannel } from "../../lib/subjects/exec_channel.ts";
import { runUntilStopped } from "../../lib/subjects/exec_wait.ts";
import type { MonitorFactory } from "./subject.ts";

/**
 * The monitor of a program (`--subject 'exec:CMD ARGS'`), over the exec
 * line protocol (docs/exec-protocol.md#monitoring): its `run` answers only
 * when stdin closes and meanwhile writes a `transition` event for each
 * member it sees go up or down. The members' heartbeats stay the harness's.
 */
export const execMonitor: MonitorFactory = (ctx, _client, prefix) => {
  const channel = new ExecChannel(ctx, { scenario: "monitoring" });
  return {
    async run(report) {
      channel.on("transition", (e) => {
        const revision = e.revision === undefined ? undefined : Number(e.revision);
        if (
          typeof e.member !== "string" || (e.state !== "up" && e.state !== "down") ||
          (revision !== undefined && !Number.isFinite(revision))
        ) {
          console.error(`exec: a transition needs member, state up|down (and a revision); ignored`);
          return;
        }
        report({
          member: e.member,
          state: e.state,
          revision,
          cause: typeof e.cause === "string" ? e.cause : "",
        });
      });
      await runUntilStopped(ctx, channel, { name: "run", args: { prefix } });
    },
  };
};
