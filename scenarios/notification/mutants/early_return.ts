/**
 * Mutant of the reference watcher: it returns on the first state it sees,
 * without checking that the job is done (a missing re-check of the
 * condition before acting).
 */
import { ok } from "../../../lib/node/context.ts";
import { reference } from "../reference.ts";
import type { NotificationSubjectFactory } from "../subject.ts";

const mutant: NotificationSubjectFactory = (ctx, client, prefix) => {
  const base = reference(ctx, client, prefix);
  return {
    async waitDone(k, signal, observe) {
      const stop = new AbortController();
      let first: { state: unknown; revision: number } | undefined;
      const done = base.waitDone(k, AbortSignal.any([signal, stop.signal]), async (s, revision) => {
        await observe(s, revision);
        if (!first) {
          first = { state: s, revision };
          stop.abort();
        }
      });
      const r = await done;
      return first ? ok(first.state, first.revision) : r;
    },
  };
};

export default mutant;
