import { fail, ok } from "../../lib/node/context.ts";
import { CampaignLostError, CampaignStoppedError, Election, leaderOf } from "./election_recipe.ts";
import type { Leadership } from "./election_recipe.ts";
import { PrefixView } from "../../lib/recipes/prefix_view.ts";
import { Session } from "../../lib/recipes/session.ts";
import type { ElectionSubjectFactory } from "./subject.ts";

/**
 * The correct election: campaign in create-revision order, re-look before
 * leading; leader-only writes and resign are guarded by the leader key's
 * create revision, so a deposed leader's writes are rejected; observers
 * follow the prefix revision by revision (the first-created key leads).
 */
export const reference: ElectionSubjectFactory = (ctx, o) => {
  const c = o.client;
  const election = new Election(c, o.prefix);
  let session: Session | undefined;
  let held: Leadership | undefined;
  return {
    async campaign() {
      if (!session || session.lost) {
        session?.close();
        session = await Session.open(c, ctx.ttl);
        ctx.report({ lease: session.id });
      }
      try {
        held = await election.campaign(session, o.identity, ctx.signal, ctx.ttl * 1000);
      } catch (e) {
        if (e instanceof CampaignStoppedError) return fail("stopped");
        if (e instanceof CampaignLostError || String(e).includes("lease not found")) {
          session.lost = true; // our key went with our lease: campaign again with a new one
          return fail(e instanceof Error ? e.message : String(e));
        }
        throw e;
      }
      return ok({ identity: o.identity, token: held.token }, held.revision);
    },
    write(ops, look) {
      if (!held) throw new Error("a leader-only write without leadership");
      return c.if(held.key, "Create", "==", held.token).then(...ops, look).else(look).commit();
    },
    async resign() {
      const h = held;
      held = undefined;
      if (!h) return fail("not leading");
      const r = await election.resign(h);
      const value = { identity: o.identity, token: h.token };
      return r.resigned ? ok(value, r.revision) : fail("no longer leading", value, r.revision);
    },
    async observe(seen, signal) {
      let last: string | undefined;
      const view = new PrefixView(c, o.prefix, (_changes, revision, entries) => {
        const l = leaderOf(entries);
        const id = l ? `${l.key}@${l.entry.createRevision}` : "";
        if (id === last) return;
        last = id;
        seen(l ? { identity: l.entry.value, token: l.entry.createRevision } : null, revision);
      });
      await view.run(signal, { record: ctx.watchRecorder() });
    },
    lease: () => session?.id,
  };
};
