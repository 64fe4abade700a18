/**
 * Mutant of the reference watcher (scenarios/notification/reference.ts): a
 * state it reads is taken to have the read's header revision, the store's
 * newest, instead of the key's mod revision, so it claims etcd put that
 * state at a revision where nothing was put to the key (the classic mix-up
 * of the two revisions a read returns). The reference runs unchanged on a
 * client whose reads make that mix-up; its watches are untouched.
 */
import type { Etcd3 } from "etcd3";
import { reference } from "../reference.ts";
import type { NotificationSubjectFactory } from "../subject.ts";

/** `client`, except that `get(key).exec()` reports each key at the read's header revision. */
function headerRevisionReads(client: Etcd3): Etcd3 {
  return new Proxy(client, {
    get(target, name) {
      if (name !== "get") return Reflect.get(target, name, target);
      return (key: string) => ({
        async exec() {
          const res = await target.get(key).exec();
          for (const kv of res.kvs) kv.mod_revision = res.header.revision; // the defect
          return res;
        },
      });
    },
  });
}

const mutant: NotificationSubjectFactory = (ctx, client, prefix) =>
  reference(ctx, headerRevisionReads(client), prefix);

export default mutant;
