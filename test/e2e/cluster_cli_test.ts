/**
 * The --cluster flags: a bad kind or a flag of another kind is refused with
 * one line and exit 2, before anything starts; --help documents them.
 */
import assert from "node:assert/strict";
import { cli, lines } from "../helpers/cli_helper.ts";
import { netemUnavailable } from "../../lib/cluster/netns.ts";
import { noContainers } from "../helpers/container_helper.ts";

async function refused(args: string[], pattern: RegExp): Promise<void> {
  const r = await cli(["lock", ...args]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

const EXT = ["--cluster", "external", "--endpoints", "http://127.0.0.1:1"];

Deno.test("cli: an unknown cluster kind is refused with the kinds", async () => {
  await refused(["--cluster", "k8s"], /--cluster k8s: choose from process, container, external/);
});

Deno.test("cli: a flag of another cluster kind is refused", async () => {
  await refused(["--image", "etcd:x"], /--image is for --cluster container, not process/);
  await refused(["--endpoints", "http://127.0.0.1:1"], /--endpoints is for --cluster external/);
  await refused(["--cluster", "container", "--user", "a:b"], /--user is for --cluster external/);
  await refused([...EXT, "--image", "etcd:x"], /--image is for --cluster container, not external/);
});

Deno.test("cli: --cluster external needs endpoints, and refuses what does not apply", async () => {
  await refused(["--cluster", "external"], /needs --endpoints/);
  await refused([...EXT, "--members", "5"], /--members does not apply to --cluster external/);
  await refused([...EXT, "--ports-from", "20000"], /--ports-from does not apply/);
  await refused(["--cluster", "external", "--endpoints", "127.0.0.1:2379"], /is not a URL/);
  await refused(
    ["--cluster", "external", "--endpoints", "http://127.0.0.1:2379/v3"],
    /give http\(s\):\/\/host:port/,
  );
});

Deno.test("cli: --cluster external TLS and user options are checked before anything starts", async () => {
  await refused([...EXT, "--user", "root:pw"], /--user takes a name only/);
  await refused([...EXT, "--user", "root"], /--password-file F or the ETCD_DRILLS_PASSWORD/);
  await refused([...EXT, "--cert", "/nonexistent.crt"], /--cert and --key go together/);
  await refused(
    ["--cluster", "external", "--endpoints", "https://127.0.0.1:1", "--cacert", "/nonexistent"],
    /--cacert \/nonexistent: cannot read it/,
  );
  await refused(
    ["--cluster", "external", "--endpoints", "https://127.0.0.1:1"],
    /is https: give --cacert/,
  );
});

Deno.test("cli: --help documents the cluster kinds and their flags", async () => {
  const r = await cli(["--help"]);
  assert.equal(r.code, 0);
  for (
    const flag of ["--cluster", "--image", "--endpoints", "--cacert", "--cert", "--key", "--user"]
  ) {
    assert.match(r.stdout, new RegExp(`^  (--\\S+ \\S+, )?${flag}[ ,]`, "m"), flag);
  }
  assert.match(r.stdout, /process \(default/);
});

Deno.test({
  name: "cli: latency-peer on containers is refused where the kernel has no netem",
  ignore: noContainers !== undefined,
  fn: async () => {
    const why = await netemUnavailable();
    if (!why) {
      console.log("this kernel has netem: latency-peer runs on containers here");
      return;
    }
    await refused(
      ["--cluster", "container", "--faults", "latency-peer"],
      /latency-peer cannot run on this container cluster: .*netem/,
    );
  },
});
