/**
 * The exec channel against small scripted programs (no cluster): answers
 * become outcomes, everything else an unknown outcome (a throw), a missed
 * deadline restarts the program, events and leases reach the node, and a
 * program that cannot start at all stops the run.
 */
import assert from "node:assert/strict";
import { NodeContext } from "../../lib/node/context.ts";
import type { NodeMessage } from "../../lib/node/protocol.ts";
import { ExecChannel, ExecUnknownError } from "../../lib/subjects/exec_channel.ts";
import { SubjectShapeError } from "../../lib/node/subject_shape.ts";
import type { ExecEvent } from "../../lib/subjects/exec_messages.ts";
import type { ConnectOptions } from "../../lib/cluster/connect.ts";

const SCRIPTED = new URL("../fixtures/exec/scripted.py", import.meta.url).pathname;
const EXITS = new URL("../fixtures/exec/exits.sh", import.meta.url).pathname;

function context(subject: string, connect?: ConnectOptions): NodeContext {
  const messages: NodeMessage[] = [];
  return new NodeContext(
    {
      scenario: "file:///x.ts",
      role: "contender",
      subject,
      node: "n3",
      incarnation: 2,
      endpoints: ["127.0.0.1:1", "127.0.0.1:2"],
      prefix: "/drills/t/",
      ttl: 2,
      seed: 1,
      params: { workMs: 1 },
      connect,
    },
    new AbortController().signal,
    (m) => messages.push(m),
  );
}

async function withChannel(
  subject: string,
  fn: (c: ExecChannel) => Promise<void>,
  graceMs = 1000,
) {
  const ctx = context(subject);
  const channel = new ExecChannel(ctx, { scenario: "lock", graceMs });
  try {
    await fn(channel);
  } finally {
    await ctx.runAtExit(3000);
  }
}

Deno.test("exec channel: ok, fail and null answers become ok, fail and unknown", async () => {
  await withChannel(`exec:python3 ${SCRIPTED}`, async (c) => {
    const ok = await c.call("echo", { x: 1 }, 5000);
    assert.deepEqual(ok, { type: "ok", value: { x: 1 }, revision: 42 });
    assert.equal(c.lease(), "77", "the lease an answer names is the node's lease");
    const no = await c.call("refuse", {}, 5000);
    assert.deepEqual(no, { type: "fail", error: "refused", value: undefined, revision: 5 });
    await assert.rejects(c.call("unsure", {}, 5000), ExecUnknownError);
    assert.deepEqual((await c.call("echo", { y: 2 }, 5000)).value, { y: 2 });
  });
});

Deno.test("exec channel: the program gets the node's environment and each call's deadline", async () => {
  await withChannel(`exec:python3 ${SCRIPTED}`, async (c) => {
    const out = await c.call("env", {}, 4321);
    assert.deepEqual(out.value, {
      DRILLS_ENDPOINTS: "http://127.0.0.1:1,http://127.0.0.1:2",
      DRILLS_PREFIX: "/drills/t/",
      DRILLS_TTL: "2",
      DRILLS_NODE: "n3",
      DRILLS_INCARNATION: "2",
      DRILLS_START: "1",
      DRILLS_ROLE: "contender",
      DRILLS_SCENARIO: "lock",
      DRILLS_PARAMS: '{"workMs":1}',
      deadlineMs: 4321,
    });
  });
});

Deno.test("exec channel: a line that is not JSON, an answer without ok and an exit are unknown", async () => {
  await withChannel(`exec:python3 ${SCRIPTED}`, async (c) => {
    await assert.rejects(c.call("garbage", {}, 5000), /not JSON/);
    await assert.rejects(c.call("no-ok", {}, 5000), /ok must be true, false or null/);
    await assert.rejects(c.call("die", {}, 5000), /exited \(code 3\)/);
    // The next call starts the program again.
    const env = await c.call("env", {}, 5000);
    assert.equal((env.value as Record<string, string>).DRILLS_START, "2");
  });
});

Deno.test("exec channel: a missed deadline is unknown and the next call gets a fresh program", async () => {
  await withChannel(`exec:python3 ${SCRIPTED}`, async (c) => {
    const started = Date.now();
    await assert.rejects(c.call("hang", {}, 300), /no answer to hang #1 within 300 ms/);
    assert.ok(Date.now() - started < 3000);
    const env = await c.call("env", {}, 5000);
    assert.equal((env.value as Record<string, string>).DRILLS_START, "2");
  });
});

Deno.test("exec channel: events reach their handler", async () => {
  await withChannel(`exec:python3 ${SCRIPTED}`, async (c) => {
    const seen: ExecEvent[] = [];
    c.on("view", (e) => seen.push(e));
    await c.call("event", {}, 5000);
    assert.deepEqual(seen, [{ event: "view", services: { a: "1" }, revision: 9 }]);
  });
});

Deno.test("exec channel: close ends the program; later calls are unknown", async () => {
  await withChannel(`exec:python3 ${SCRIPTED}`, async (c) => {
    await c.call("echo", {}, 5000);
    const started = Date.now();
    await c.close();
    // Killed only after the 10 s grace: it left on its own.
    assert.ok(Date.now() - started < 5000, "the program exits when its stdin closes");
    await assert.rejects(c.call("echo", {}, 5000), /closed/);
  }, 10_000);
});

Deno.test("exec channel: a program that exits before any answer, three times, cannot run", async () => {
  await withChannel(`exec:${EXITS}`, async (c) => {
    for (let i = 0; i < 3; i++) await assert.rejects(c.call("echo", {}, 5000), ExecUnknownError);
    await assert.rejects(c.call("echo", {}, 5000), SubjectShapeError);
  });
});

Deno.test("exec channel: TLS files and the user reach the program in its environment, the password by a file", async () => {
  const connect = {
    caFile: "/pki/ca.pem",
    certFile: "/pki/n3.pem",
    keyFile: "/pki/n3-key.pem",
    serverName: "localhost",
    username: "contender-n3",
    password: "s3cret-pw",
  };
  const ctx = context(`exec:python3 ${SCRIPTED}`, connect);
  const c = new ExecChannel(ctx, { scenario: "lock" });
  let file = "";
  try {
    const env = (await c.call("env", { secure: true }, 5000)).value as Record<string, string>;
    file = env.DRILLS_PASSWORD_FILE;
    assert.deepEqual({ ...env, DRILLS_PASSWORD_FILE: "?" }, {
      DRILLS_ENDPOINTS: "https://localhost:1,https://localhost:2",
      DRILLS_CACERT: "/pki/ca.pem",
      DRILLS_CERT: "/pki/n3.pem",
      DRILLS_KEY: "/pki/n3-key.pem",
      DRILLS_SERVER_NAME: "localhost",
      DRILLS_USER: "contender-n3",
      DRILLS_PASSWORD_FILE: "?",
      deadlineMs: 5000,
    });
    assert.equal((Deno.statSync(file).mode! & 0o777).toString(8), "600");
    const pw = (await c.call("password", {}, 5000)).value as { password: string; argv: string[] };
    assert.equal(pw.password, "s3cret-pw");
    assert.ok(!pw.argv.join(" ").includes("s3cret-pw"), "the password is not in argv");
  } finally {
    await ctx.runAtExit(3000);
  }
  assert.throws(
    () => Deno.statSync(file),
    Deno.errors.NotFound,
    "the password file outlived the node",
  );
});

Deno.test("exec channel: an answer or event that misfits the schema is unknown, not a crash", async () => {
  await withChannel(`exec:python3 ${SCRIPTED}`, async (c) => {
    await assert.rejects(
      c.call("write", {}, 5000),
      (e: unknown) =>
        e instanceof ExecUnknownError &&
        /does not fit docs\/exec-protocol.schema.json/.test(e.message) &&
        /revision/.test(e.message),
    );
    const seen: ExecEvent[] = [];
    c.on("view", (e) => seen.push(e));
    await c.call("bad-event", {}, 5000);
    assert.deepEqual(seen, [], "a misfit event is not handed on");
    assert.deepEqual((await c.call("echo", { z: 3 }, 5000)).value, { z: 3 });
  });
});

Deno.test("exec channel: a program that never gives a well-formed answer stops the run", async () => {
  const fatal: string[] = [];
  const ctx = new NodeContext(
    {
      scenario: "file:///x.ts",
      role: "contender",
      subject: `exec:python3 ${SCRIPTED}`,
      node: "n1",
      incarnation: 1,
      endpoints: ["127.0.0.1:1"],
      prefix: "/drills/t/",
      ttl: 2,
      seed: 1,
      params: {},
    },
    new AbortController().signal,
    (m) => m.t === "fatal" && fatal.push(m.error),
  );
  const c = new ExecChannel(ctx, { scenario: "lock", maxUnanswered: 3 });
  try {
    for (let i = 0; i < 3; i++) await assert.rejects(c.call("garbage", {}, 5000), ExecUnknownError);
    await assert.rejects(c.call("garbage", {}, 5000), SubjectShapeError);
    assert.equal(fatal.length, 1, "the runner is told once, whatever the role does with the throw");
    assert.match(fatal[0], /no well-formed answer to any of its first 3 calls/);
  } finally {
    await ctx.runAtExit(3000);
  }
});

Deno.test("exec channel: a program that cannot start, three times, cannot run", async () => {
  await withChannel("exec:/nonexistent/drills-program", async (c) => {
    // Through setpriv the exec fails in the child (exit 127); without it, the spawn itself throws.
    for (let i = 0; i < 3; i++) await assert.rejects(c.call("echo", {}, 5000), ExecUnknownError);
    await assert.rejects(c.call("echo", {}, 5000), SubjectShapeError);
  });
});
