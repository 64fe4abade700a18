/**
 * kits/python/drills.py through the exec channel, no cluster: what a
 * method returns or raises becomes ok, fail or unknown as the protocol
 * says (an exception or a timeout is unknown, never fail); a call that
 * outlives its deadline is answered unknown by the kit itself, so the
 * program is not killed for it; a call the interface lacks is a fail. And
 * the queue example of docs/exec-protocol.md, copied with the kit into a
 * directory outside the repository, drilled under kill-node.
 */
import assert from "node:assert/strict";
import { NodeContext } from "../../lib/node/context.ts";
import { ExecChannel, ExecUnknownError } from "../../lib/subjects/exec_channel.ts";
import { cli } from "../helpers/cli_helper.ts";

const PROBE = new URL("../fixtures/exec/kit_probe.py", import.meta.url).pathname;

Deno.test("python kit: returns and raises become ok, fail and unknown; a late call is unknown, not killed", async () => {
  const ctx = new NodeContext(
    {
      scenario: "file:///x.ts",
      role: "contender",
      subject: `exec:python3 ${PROBE}`,
      node: "n1",
      incarnation: 1,
      endpoints: ["127.0.0.1:1"],
      prefix: "/drills/t/",
      ttl: 2,
      seed: 1,
      params: {},
    },
    new AbortController().signal,
    () => {},
  );
  const c = new ExecChannel(ctx, { scenario: "lock" });
  const acquire = (mode: string, ms = 5000) => c.call("acquire", { mode }, ms);
  try {
    assert.deepEqual(await acquire("ok"), { type: "ok", value: { token: 5 }, revision: 5 });
    assert.equal(c.lease(), "123", "the lease the subject set is named on its answers");
    assert.equal((await acquire("none")).type, "ok");
    assert.deepEqual(await acquire("failed"), {
      type: "fail",
      error: "held by another",
      value: undefined,
      revision: undefined,
    });
    await assert.rejects(
      acquire("type-error"),
      (e: unknown) => e instanceof ExecUnknownError && /TypeError/.test(e.message),
    );
    await assert.rejects(
      acquire("timeout"),
      (e: unknown) => e instanceof ExecUnknownError && /timed out/.test(e.message),
    );
    await assert.rejects(
      acquire("slow", 1000),
      (e: unknown) =>
        e instanceof ExecUnknownError && /deadline/.test(e.message) && !/no answer/.test(e.message),
    );
    const w = await c.call("write", {}, 5000);
    assert.deepEqual(w.value, { start: 1 }, "the kit answered the late call: same program");
    const none = await c.call("campaign", {}, 5000);
    assert.equal(none.type, "fail");
    assert.match(String(none.error), /no call campaign/);
  } finally {
    await ctx.runAtExit(5000);
  }
});

Deno.test("python kit: the queue example of docs/exec-protocol.md, run from a directory outside the repository, is valid under kill-node", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/exec-protocol.md", import.meta.url));
  const example = doc.match(/```python\n([\s\S]*?)```/)?.[1];
  assert.ok(example, "no python example in docs/exec-protocol.md");
  const dir = await Deno.makeTempDir({ prefix: "drills-test-user-" });
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    await Deno.writeTextFile(`${dir}/my_queue.py`, example);
    await Deno.copyFile(
      new URL("../../kits/python/drills.py", import.meta.url),
      `${dir}/drills.py`,
    );
    const r = await cli([
      "queue",
      "--subject",
      `exec:python3 ${dir}/my_queue.py`,
      "--faults",
      "kill-node",
      "--duration",
      "10s",
      "--seed",
      "3",
      "--out",
      out,
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [run] = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    const result = JSON.parse(await Deno.readTextFile(`${run}/results.json`));
    const total = result.checks.find((c: { name: string }) => c.name === "total-queue");
    assert.ok(total.valid === true && Number(total.judged) > 20, total.summary);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});
