import assert from "node:assert/strict";
import { cli, lines } from "../helpers/cli_helper.ts";

/** Bad input: one clear line on stderr that says what to do, exit 2, nothing started. */
async function rejects(args: string[], pattern: RegExp, env: Record<string, string> = {}) {
  const r = await cli(args, env);
  assert.equal(r.code, 2, `exit code for ${args.join(" ")}: ${r.stderr}`);
  const errLines = lines(r.stderr);
  assert.equal(errLines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(errLines[0], pattern);
}

Deno.test("cli: an unknown scenario is refused with the list of scenarios", async () => {
  await rejects(["nosuch"], /unknown scenario "nosuch": choose from lock/);
});

Deno.test("cli: an unknown subject is refused with the subjects", async () => {
  await rejects(["lock", "--subject", "bogus"], /unknown subject "bogus".*reference, etcd3, naive/);
});

Deno.test("cli: a malformed duration is refused with the form to use", async () => {
  await rejects(["lock", "--duration", "10x"], /--duration "10x" is not a duration: write it like/);
});

Deno.test("cli: a plugin without a scenario is refused", async () => {
  const plugin = new URL("../fixtures/not_a_scenario.ts", import.meta.url).pathname;
  await rejects([plugin], /has no scenario as its default export/);
});

Deno.test("cli: a plugin that does not exist is refused", async () => {
  await rejects(["./no/such/plugin.ts"], /cannot load scenario/);
});

Deno.test("cli: an unknown fault is refused", async () => {
  await rejects(["lock", "--faults", "pause-node,meteor"], /unknown fault "meteor"/);
});

Deno.test("cli: an even member count is refused", async () => {
  await rejects(["lock", "--members", "4"], /1, 3 or 5 members/);
});

Deno.test("cli: an unknown flag is refused", async () => {
  await rejects(["lock", "--frobnicate"], /see --help/);
});

Deno.test("cli: a missing etcd binary is reported with how to fix it", async () => {
  await rejects(["lock"], /ETCD_BIN=\/no\/such\/etcd is not an executable file/, {
    ETCD_BIN: "/no/such/etcd",
  });
});

Deno.test("cli: a busy port is reported with what to do", async () => {
  const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (holder.addr as Deno.NetAddr).port;
  try {
    await rejects(
      ["lock", "--ports-from", String(port)],
      new RegExp(`port ${port} on 127.0.0.1 is busy`),
    );
  } finally {
    holder.close();
  }
});

Deno.test("cli: --help and --list describe scenarios, subjects and faults", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage:/);
  const list = await cli(["--list"]);
  assert.equal(list.code, 0);
  for (const word of ["lock", "--subject naive", "pause-node", "kill-node"]) {
    assert.ok(list.stdout.includes(word), `--list lacks ${word}`);
  }
});

/** Runs the CLI with a --faults-file holding `plan`, in a temp dir removed afterwards. */
async function withPlan(plan: unknown, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "drills-test-plan-" });
  try {
    const path = `${dir}/plan.json`;
    await Deno.writeTextFile(path, JSON.stringify(plan));
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("cli: a --faults-file offset beyond --duration is refused with what to change", async () => {
  await withPlan(
    [{ at: "2s", fault: "kill-member" }, { at: "45s", fault: "compact" }],
    (path) =>
      rejects(
        ["lock", "--duration", "30s", "--faults-file", path],
        /entry 2: offset 45s is not before the end of --duration 30s: start it earlier or lengthen --duration/,
      ),
  );
  await withPlan(
    [{ at: "-1s", fault: "compact" }],
    (path) =>
      rejects(["lock", "--faults-file", path], /entry 1: offset "-1s" is not a duration ≥ 0/),
  );
});

Deno.test("cli: a --faults-file naming an unknown fault is refused with the faults to choose from", async () => {
  await withPlan([{ at: "1s", fault: "meteor", hold: "1s" }], (path) =>
    rejects(
      ["lock", "--faults-file", path],
      /entry 1 has unknown fault "meteor": set "fault" to one of .*kill-leader/,
    ));
});

Deno.test("cli: --faults and --faults-file together are refused", async () => {
  await withPlan(
    [],
    (path) => rejects(["lock", "--faults", "kill-node", "--faults-file", path], /not both/),
  );
});

Deno.test("cli: --list names the member faults and --help the faults file", async () => {
  const list = await cli(["--list"]);
  assert.equal(list.code, 0);
  for (
    const name of [
      "kill-member",
      "kill-leader",
      "pause-member",
      "isolate-member",
      "isolate-leader",
      "partition ",
      "latency-peer",
      "compact",
    ]
  ) {
    assert.ok(list.stdout.includes(name), `--list lacks ${name}`);
  }
  assert.match(list.stdout, /kill-leader\s+\[member\]/);
  const help = await cli(["--help"]);
  assert.match(help.stdout, /--faults-file F/);
});

/**
 * Every flag and file input, for the classes a new user hits: zero,
 * negative, huge, wrong type, unreadable, unwritable. Each is refused before
 * any cluster starts (ETCD_BIN points nowhere: a case that got as far as
 * starting etcd would fail on that instead of its own line).
 */
const BAD_INPUT: [args: string[], answer: RegExp][] = [
  [["lock", "--duration", "0s"], /--duration 0s: the workload's length is from 1s to 24h/],
  [["lock", "--duration", "0"], /--duration 0: the workload's length is from 1s to 24h/],
  [["lock", "--duration", "-5s"], /--duration "-5s" is not a duration: write it like/],
  [["lock", "--duration", "100000h"], /--duration 100000h: the workload's length is from/],
  [["lock", "--duration", "ten"], /--duration "ten" is not a duration/],
  [
    ["lock", "--fault-interval", "0s"],
    /--fault-interval 0s: the mean gap between fault starts is from 100ms to 1h/,
  ],
  [["lock", "--fault-interval", "-1s"], /--fault-interval "-1s" is not a duration/],
  [
    ["lock", "--fault-interval", "5h"],
    /--fault-interval 5h: the mean gap between fault starts is from 100ms to 1h/,
  ],
  [["lock", "--ttl", "-3"], /--ttl "-3": a lease TTL is a whole number of seconds from 1 to 60/],
  [["lock", "--ttl", "0"], /--ttl "0": a lease TTL is a whole number of seconds from 1 to 60/],
  [["lock", "--ttl", "1.5"], /--ttl "1.5": a lease TTL is a whole number of seconds/],
  [["lock", "--ttl", "99999999999999999999"], /--ttl "99999999999999999999": a lease TTL/],
  [["lock", "--ttl", ""], /--ttl "": a lease TTL is a whole number/],
  [["lock", "--seed", "-1"], /--seed "-1": a seed is a whole number from 0 to 2147483647/],
  [["lock", "--seed", "1e3"], /--seed "1e3": a seed is a whole number/],
  [["lock", "--seed", "2147483648"], /--seed "2147483648": a seed is a whole number from 0/],
  [
    ["lock", "--nodes", "0"],
    /--nodes "0": the number of simulated nodes is a whole number from 1 to 500/,
  ],
  [["lock", "--nodes", "-2"], /--nodes "-2": the number of simulated nodes/],
  [["lock", "--nodes", "many"], /--nodes "many": the number of simulated nodes/],
  [
    ["lock", "--nodes", "501"],
    /--nodes "501": the number of simulated nodes is a whole number from 1 to 500/,
  ],
  [["lock", "--members", "0"], /--members "0": a cluster's member count is from 1 to 5/],
  [["lock", "--members", "-3"], /--members "-3": a cluster's member count is from 1 to 5/],
  [
    ["lock", "--ports-from", "80"],
    /--ports-from "80": the first member port is a whole number from 1024 to 65000/,
  ],
  [["lock", "--ports-from", "-1"], /--ports-from "-1": the first member port/],
  [["lock", "--ports-from", "70000"], /--ports-from "70000": the first member port/],
  [
    ["lock", "--out", "/proc/nope"],
    /^error: --out \/proc\/nope: cannot make the run directory there .*: give a directory you can write$/,
  ],
  [
    ["lock", "--out", "/etc/hostname"],
    /--out \/etc\/hostname: cannot make the run directory there \(\/etc\/hostname is not a directory\)/,
  ],
  [
    ["lock", "--junit", "/proc/nope/j.xml"],
    /--junit \/proc\/nope\/j.xml: cannot write it .*: give a file path you can write/,
  ],
  [["lock", "--junit", "/tmp"], /--junit \/tmp: cannot write it \(not a regular file\)/],
  [["lock", "--faults", ""], /--faults "": name faults, or all, or none/],
  [
    ["lock", "--faults-file", "/no/such/plan.json"],
    /--faults-file \/no\/such\/plan.json: cannot read it \(no such file\)/,
  ],
  [["lock", "--faults-file", "/tmp"], /--faults-file \/tmp: cannot read it/],
  [
    [
      "lock",
      "--cluster",
      "external",
      "--endpoints",
      "https://127.0.0.1:1",
      "--cacert",
      "/no/ca.pem",
    ],
    /--cacert \/no\/ca.pem: cannot read it .*give a readable PEM file/,
  ],
  [
    ["lock", "--cluster", "external", "--endpoints", "https://127.0.0.1:1", "--cacert", "/tmp"],
    /--cacert \/tmp: cannot read it/,
  ],
];

Deno.test("cli: every numeric, duration and file flag refuses zero, negative, huge, wrong-typed, unreadable and unwritable input", async () => {
  const queue = [...BAD_INPUT];
  const failures: string[] = [];
  // A few at a time: each case is one short-lived process that stops before any cluster.
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const [args, answer] = c;
      const r = await cli(args, { ETCD_BIN: "/no/such/etcd" });
      const errLines = lines(r.stderr);
      if (r.code !== 2 || errLines.length !== 1 || !answer.test(errLines[0])) {
        failures.push(`${args.join(" ")} → exit ${r.code}: ${r.stderr.trim()}`);
      }
    }
  }));
  assert.deepEqual(failures, []);
  // The probes leave nothing behind.
  assert.equal(await Deno.stat("/proc/nope/j.xml").then(() => true, () => false), false);
});
