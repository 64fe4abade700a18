/**
 * Secure clusters: --tls and --auth on the process cluster (TLS on client and
 * peer traffic, a user per node confined to the run's prefix), and secrets
 * that never reach a command line or a run directory.
 */
import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { Buffer } from "node:buffer";
import { cli, lines } from "../helpers/cli_helper.ts";
import { secureLockRun } from "../helpers/secure_helper.ts";
import { ProcessCluster } from "../../lib/cluster/process_cluster.ts";

const FIXTURE = new URL("../fixtures/outside_prefix_plugin.ts", import.meta.url).pathname;

/** Every file below `dir`, recursively. */
function* files(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* files(path);
    else if (e.isFile) yield path;
  }
}

Deno.test("--tls --auth: the reference lock stays valid under pause-node; members run TLS and auth", async () => {
  const result = await secureLockRun([
    "--faults",
    "pause-node",
    "--duration",
    "10s",
    "--seed",
    "12",
  ]);
  assert.equal(result.valid, true);
});

Deno.test("--auth: a node cannot read or write outside its prefix, and the refusal is a fail", async () => {
  const out = await Deno.makeTempDir({ prefix: "drills-test-secure-" });
  let history: Record<string, unknown>[];
  try {
    const r = await cli([
      FIXTURE,
      "--auth",
      "--faults",
      "none",
      "--duration",
      "2s",
      "--out",
      out,
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [dir] = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    history = lines(await Deno.readTextFile(`${dir}/history.ndjson`)).map((l) => JSON.parse(l));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
  const outcome = (f: string) =>
    history.find((e) => e.kind === "op" && e.f === f && e.type !== "invoke");
  assert.equal(outcome("put-outside")?.type, "fail", JSON.stringify(outcome("put-outside")));
  assert.match(String(outcome("put-outside")?.error), /permission denied/);
  assert.equal(outcome("get-outside")?.type, "fail");
  assert.equal(outcome("put-inside")?.type, "ok");
});

Deno.test("external over TLS with --user: the password comes from a file and is in no file of the run", async () => {
  const logDir = await Deno.makeTempDir({ prefix: "drills-test-etcd-" });
  const out = await Deno.makeTempDir({ prefix: "drills-test-secure-" });
  const password = `pw-${crypto.randomUUID()}`;
  const passwordFile = await Deno.makeTempFile({ prefix: "drills-test-password-" });
  await Deno.writeTextFile(passwordFile, `${password}\n`);
  // An operator's cluster with TLS; the test, not the run, enables auth on it.
  const c = await ProcessCluster.start({ members: 1, logDir, tls: true });
  try {
    await c.waitReady(20_000);
    const caFile = c.access!.caFile!;
    const endpoints = c.members.map((m) => m.clientUrl.replace("127.0.0.1", "localhost"));
    const tls = { rootCertificate: Buffer.from(await Deno.readFile(caFile)) };
    const setup = new Etcd3({ hosts: endpoints, credentials: tls });
    await setup.role("root").create().catch(() => {});
    await setup.user("root").create(password);
    await setup.user("root").addRole("root");
    await setup.auth.authEnable({});
    setup.close();
    const r = await cli([
      "lock",
      "--cluster",
      "external",
      "--endpoints",
      endpoints.join(","),
      "--cacert",
      caFile,
      "--user",
      "root",
      "--password-file",
      passwordFile,
      "--faults",
      "kill-node",
      "--duration",
      "10s",
      "--seed",
      "3",
      "--out",
      out,
      "--quiet",
    ]); // deno-fmt-ignore
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password));
    const [dir] = [...Deno.readDirSync(out)].map((e) => `${out}/${e.name}`);
    const result = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
    const acks = result.checks.find((x: { name: string }) => x.name === "resource-safety");
    assert.ok(Number(acks.figures.acknowledged) > 0, acks.summary);
    const holding = [...files(dir)].filter((f) => Deno.readTextFileSync(f).includes(password));
    assert.deepEqual(holding, [], "files of the run that hold the password");
  } finally {
    await c.stop();
    await Deno.remove(logDir, { recursive: true });
    await Deno.remove(out, { recursive: true });
    await Deno.remove(passwordFile);
  }
});

Deno.test("secrets and secure flags: refused in one line before anything starts", async () => {
  const cases: [string[], RegExp, Record<string, string>?][] = [
    [
      ["--cluster", "external", "--endpoints", "http://127.0.0.1:1", "--user", "root:pw"],
      /--user takes a name only/,
    ],
    [
      ["--cluster", "external", "--endpoints", "http://127.0.0.1:1", "--user", "root"],
      /ETCD_DRILLS_PASSWORD/,
    ],
    [[
      "--cluster",
      "external",
      "--endpoints",
      "http://127.0.0.1:1",
      "--user",
      "root",
      "--password-file",
      "/nonexistent/pw",
    ], /--password-file \/nonexistent\/pw: cannot read it/],
    [
      ["--cluster", "external", "--endpoints", "http://127.0.0.1:1", "--tls"],
      /--tls sets up clusters the harness runs: an external cluster.s TLS comes from --cacert/,
    ],
    [["--auth-token-ttl", "5"], /--auth-token-ttl goes with --auth/],
    [["--password-file", "/tmp/x"], /--password-file is for --cluster external/],
  ]; // deno-fmt-ignore
  for (const [args, message, env] of cases) {
    const r = await cli(["lock", ...args], env);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
});
