import { ExecChannel } from "../../lib/subjects/exec_channel.ts";
import { callUntil } from "../../lib/subjects/exec_wait.ts";
import { fail } from "../../lib/node/context.ts";
import { jobKey } from "./subject.ts";
import type { NotificationSubjectFactory, Observe } from "./subject.ts";

/**
 * The notification subject of a program (`--subject 'exec:CMD ARGS'`), over
 * the exec line protocol (docs/exec-protocol.md#notification): a watcher's
 * program answers `wait` once the job's key says done, and meanwhile writes
 * an `observe` event for every state of the job it sees.
 */
export const execNotification: NotificationSubjectFactory = (ctx, _client, prefix) => {
  const channel = new ExecChannel(ctx, { scenario: "notification" });
  let observe: Observe | undefined;
  channel.on("observe", (e) => {
    const s = e.state as { job?: unknown; progress?: unknown; done?: unknown } | undefined;
    const modRevision = Number(e.modRevision);
    if (
      typeof s?.job !== "number" || typeof s.progress !== "number" || !Number.isFinite(modRevision)
    ) {
      console.error(
        `exec: an observe event needs state {job, progress, done} and modRevision; ignored`,
      );
      return;
    }
    void observe?.({ job: s.job, progress: s.progress, done: s.done === true }, modRevision);
  });
  return {
    async waitDone(k, signal, seen) {
      observe = seen;
      const out = await callUntil(channel, signal, {
        name: "wait",
        args: { key: jobKey(prefix, k), job: k },
        deadlineMs: Infinity,
      });
      return out ?? fail("stopped");
    },
  };
};
