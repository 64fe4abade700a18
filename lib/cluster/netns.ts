/**
 * Link faults inside a container's own network namespace, entered from the
 * host with `nsenter -t <pid> -n`: iptables drops for cut links, a tc netem
 * qdisc for delay. The container needs no shell and no tools of its own.
 */
import { HarnessError } from "../proc/errors.ts";

/** The filter chain the harness owns in each member's namespace; INPUT and OUTPUT jump to it. */
const CHAIN = "DRILLS";
/** Raft peer traffic uses this port in the containers; only it is delayed. */
export const PEER_PORT = 2380;

async function run(cmd: string, args: string[], stdin?: string): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    const child = new Deno.Command(cmd, {
      args,
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (stdin !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(stdin));
      await w.close();
    }
    out = await child.output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new HarnessError(
        `${cmd} not found: install util-linux, iptables and iproute2 (Debian: apt-get install util-linux iptables iproute2)`,
      );
    }
    throw e;
  }
  const err = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) throw new Error(`${[cmd, ...args].join(" ")}: ${err || `exit ${out.code}`}`);
  return new TextDecoder().decode(out.stdout);
}

/** Runs a command inside the network namespace of process `pid`. */
function inNetns(pid: number, cmd: string[], stdin?: string): Promise<string> {
  return run("nsenter", ["-t", String(pid), "-n", "--", ...cmd], stdin);
}

/**
 * Drops every packet between the namespace of `pid` and each of `peerIps`,
 * both ways; an empty list lets everything through again. One
 * iptables-restore call replaces the harness's chain atomically.
 */
export async function dropPeers(pid: number, peerIps: readonly string[]): Promise<void> {
  const rules = [
    "*filter",
    `:${CHAIN} - [0:0]`,
    ...peerIps.flatMap((
      ip,
    ) => [`-A ${CHAIN} -s ${ip}/32 -j DROP`, `-A ${CHAIN} -d ${ip}/32 -j DROP`]),
    "COMMIT",
    "",
  ].join("\n");
  await inNetns(pid, ["iptables-restore", "--noflush"], rules);
  // Hook the chain into INPUT and OUTPUT once per namespace (a restarted container has a fresh one).
  for (const hook of ["INPUT", "OUTPUT"]) {
    try {
      await inNetns(pid, ["iptables", "-C", hook, "-j", CHAIN]);
    } catch {
      await inNetns(pid, ["iptables", "-I", hook, "1", "-j", CHAIN]);
    }
  }
}

/**
 * Delays the peer traffic (to or from port {@link PEER_PORT}) leaving the
 * namespace of `pid` on `dev` by `delayMs` ± `jitterMs`; 0 removes the
 * delay. An HTB root sends peer packets to a class whose leaf is netem;
 * client traffic keeps its own unshaped class.
 */
export async function delayPeers(
  pid: number,
  delayMs: number,
  jitterMs: number,
  dev = "eth0",
): Promise<void> {
  await inNetns(pid, ["tc", "qdisc", "del", "dev", dev, "root"]).catch(() => {});
  if (delayMs <= 0) return;
  const tc = (...args: string[]) => inNetns(pid, ["tc", ...args]);
  await tc("qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", "1");
  for (const cls of ["1:1", "1:2"]) {
    await tc("class", "add", "dev", dev, "parent", "1:", "classid", cls, "htb", "rate", "10gbit");
  }
  await tc(
    "qdisc",
    "add",
    "dev",
    dev,
    "parent",
    "1:2",
    "handle",
    "20:",
    "netem",
    "delay",
    `${delayMs}ms`,
    `${jitterMs}ms`,
  );
  for (const dir of ["dport", "sport"]) {
    await tc(
      "filter",
      "add",
      "dev",
      dev,
      "parent",
      "1:",
      "protocol",
      "ip",
      "u32",
      "match",
      "ip",
      dir,
      String(PEER_PORT),
      "0xffff",
      "flowid",
      "1:2",
    );
  }
}

let netemKnown: string | undefined | null = null;

/**
 * Why this host cannot delay links with netem (its kernel lacks the qdisc,
 * or tc/unshare are missing), or undefined when it can. Probed once in a
 * throwaway namespace (`unshare -n`), so nothing is left behind.
 */
export async function netemUnavailable(): Promise<string | undefined> {
  if (netemKnown !== null) return netemKnown;
  try {
    await run("unshare", [
      "-n",
      "tc",
      "qdisc",
      "add",
      "dev",
      "lo",
      "root",
      "netem",
      "delay",
      "1ms",
    ]);
    netemKnown = undefined;
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    netemKnown = `this host's kernel cannot delay links with tc netem (${why})`;
  }
  return netemKnown;
}
