import assert from "node:assert/strict";
import { SHORT_VALUE, watchBody } from "../../lib/history/watch_record.ts";

const kv = (key: string, value: string, mod: number, create: number, version: number) => ({
  key,
  value: { toString: () => value, length: value.length },
  mod_revision: String(mod),
  create_revision: String(create),
  version: String(version),
});

Deno.test("watch record: events keep their revisions, short values and prevKv", () => {
  const body = watchBody({ key: "/p/", prefix: true, start: 3 }, {
    header: { revision: "9" },
    events: [
      { type: "Put", kv: kv("/p/a", "v", 9, 4, 2), prev_kv: kv("/p/a", "u", 4, 4, 1) },
      { type: "Delete", kv: kv("/p/b", "", 9, 0, 0) },
    ],
  });
  assert.deepEqual(body, {
    key: "/p/",
    prefix: true,
    start: 3,
    header: 9,
    events: [
      {
        type: "put",
        key: "/p/a",
        modRevision: 9,
        createRevision: 4,
        version: 2,
        value: "v",
        prevKv: { modRevision: 4, createRevision: 4, version: 1, value: "u" },
      },
      { type: "delete", key: "/p/b", modRevision: 9, createRevision: 0, version: 0 },
    ],
  });
});

Deno.test("watch record: a long value is left out; creation answers are not recorded", () => {
  const long = "x".repeat(SHORT_VALUE + 1);
  const body = watchBody({ key: "/k" }, {
    header: { revision: 5 },
    events: [{ type: "Put", kv: kv("/k", long, 5, 5, 1) }],
  });
  assert.equal(body?.events[0].value, undefined);
  assert.equal(body?.start, 0);
  assert.equal(watchBody({ key: "/k" }, { header: { revision: 5 }, created: true }), undefined);
});

Deno.test("watch record: a response with no events is a progress notification", () => {
  const body = watchBody({ key: "/k", start: 2 }, { header: { revision: 7 }, events: [] });
  assert.equal(body?.progress, true);
  assert.equal(body?.header, 7);
});
