import type { NodeContext } from "../../lib/node/context.ts";
import { fail, ok } from "../../lib/node/context.ts";
import { GuardedKey } from "../../lib/recipes/guarded_key.ts";
import { jobKey, parseJob } from "./subject.ts";
import type { JobState } from "./subject.ts";

/**
 * The job: runs jobs 1, 2, … one after another, each advancing its key's
 * progress 0 → 100 and then marking it done (a `complete` operation). Every
 * write is guarded on the key's last mod revision, and a restarted job reads
 * where it was, so progress in etcd never goes back (not even when a write
 * of unknown outcome lands late). It is the same for every subject: the
 * subjects differ in how watchers wait.
 */
export async function job(ctx: NodeContext): Promise<void> {
  const client = ctx.client();
  const step = Number(ctx.params.progressStep);
  const stepMs = Number(ctx.params.stepMs);
  const gapMs = Number(ctx.params.jobGapMs);
  let k = 0; // 0: not known yet, find the newest job
  let key: GuardedKey | undefined;
  let state: JobState | null = null;
  while (!ctx.signal.aborted) {
    try {
      if (k === 0) {
        // Resume where the previous incarnation left off.
        const last = await client.getAll().prefix(`${ctx.prefix}jobs/`).sort("Key", "Descend")
          .limit(1).keys();
        k = last.length ? Number(last[0].slice(last[0].lastIndexOf("/") + 1)) : 1;
      }
      if (!key) {
        key = new GuardedKey(client, jobKey(ctx.prefix, k));
        const seen = await key.read();
        state = seen.value === null ? null : parseJob(seen.value);
      }
      if (state?.done) {
        await ctx.sleep(gapMs);
        k++;
        key = undefined;
        continue;
      }
      const next: JobState = state === null
        ? { job: k, progress: 0, done: false }
        : state.progress >= 100
        ? { job: k, progress: 100, done: true }
        : { job: k, progress: Math.min(100, state.progress + step), done: false };
      const guarded = key;
      const out = await ctx.op(next.done ? "complete" : "progress", next, async () => {
        const w = await guarded.write(JSON.stringify(next));
        return w.applied
          ? ok(next, w.revision)
          : fail("the job's key changed since it was read", next, w.revision);
      });
      if (out?.type === "ok") state = next;
      else key = undefined; // unknown or refused: read where it really is
      if (!next.done) await ctx.sleep(stepMs);
    } catch {
      key = undefined;
      await ctx.sleep(200);
    }
  }
}
