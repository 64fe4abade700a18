import { ok } from "../../lib/node/context.ts";
import { MemberClients } from "../../lib/recipes/member_clients.ts";
import { PrefixView } from "../../lib/recipes/prefix_view.ts";
import { Registration } from "../../lib/recipes/registration.ts";
import type { DiscoverySubject } from "./subject.ts";

/**
 * The correct registry. A service keeps one lease alive through whichever
 * member answers and registers again, under a new lease, as soon as etcd
 * says the old one is gone or its key vanishes; it revokes what it replaces
 * and deregisters on stop. A discoverer reads the prefix, watches from the
 * next revision and applies every event (puts that update a key included)
 * in revision order.
 */
export const reference: DiscoverySubject = {
  service(ctx, key, value) {
    const members = new MemberClients(ctx.endpoints.map((h) => ctx.client({ hosts: h })));
    const registration = new Registration(members, key, value, { ttl: ctx.ttl });
    return {
      async register() {
        const r = await registration.register();
        return ok({ lease: r.lease }, r.revision);
      },
      next: () => registration.lost(),
      lease: () => registration.leaseId,
      close: () => registration.close(),
    };
  },
  discoverer(ctx, client, prefix) {
    return {
      async run(onView) {
        const view = new PrefixView(client, prefix, (_changes, revision, entries) => {
          onView(Object.fromEntries([...entries].map(([k, e]) => [k, e.value])), revision);
        });
        await view.run(ctx.signal, { record: ctx.watchRecorder() });
      },
    };
  },
};
