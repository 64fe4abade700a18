/**
 * docs/exec-protocol.schema.json against docs/exec-protocol.md: every JSON
 * example in the document is a message the schema accepts, and messages
 * that break the tables' rules are refused with a complaint that says why.
 */
import assert from "node:assert/strict";
import { answerMisfit, eventMisfit, lineMisfit } from "../../lib/subjects/exec_schema.ts";

const DOC = new URL("../../docs/exec-protocol.md", import.meta.url);

/** The JSON code blocks of a markdown text. */
function jsonBlocks(md: string): string[] {
  return [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
}

Deno.test("every JSON example in docs/exec-protocol.md fits the schema", async () => {
  const blocks = jsonBlocks(await Deno.readTextFile(DOC));
  assert.ok(blocks.length >= 10, `only ${blocks.length} examples found`);
  for (const b of blocks) {
    const message = JSON.parse(b);
    assert.equal(lineMisfit(message), undefined, b);
    if (typeof message.event === "string") assert.equal(eventMisfit(message), undefined, b);
  }
});

Deno.test("the schema refuses what the tables forbid, and says why", () => {
  assert.match(String(lineMisfit({ id: 1, ok: "yes" })), /ok must be boolean,null/);
  assert.match(String(lineMisfit({ id: 1, call: "x" })), /args/);
  assert.match(
    String(answerMisfit("lock", "write", { id: 2, ok: true })),
    /must have required property 'revision'/,
  );
  assert.equal(answerMisfit("lock", "write", { id: 2, ok: false, error: "fenced" }), undefined);
  assert.equal(answerMisfit("lock", "write", { id: 2, ok: null }), undefined);
  assert.match(
    String(answerMisfit("queue", "head", { id: 3, ok: true, revision: 9, value: { item: {} } })),
    /createRevision/,
  );
  assert.match(
    String(answerMisfit("election", "write", { id: 4, ok: false, revision: "9" })),
    /value/,
  );
  assert.match(String(answerMisfit("pubsub", "publish", { id: 5, ok: true, lease: 7 })), /lease/);
  assert.match(
    String(eventMisfit({ event: "transition", member: "n1", state: "sideways" })),
    /state must be equal to one of the allowed values/,
  );
  assert.match(String(eventMisfit({ event: "addresses", addrs: [1], revision: 3 })), /string/);
  assert.equal(eventMisfit({ event: "something-else", x: 1 }), undefined, "other names: ignored");
});
