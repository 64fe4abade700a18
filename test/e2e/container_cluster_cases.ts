/**
 * The container cluster: the member-fault cases of the process cluster, run
 * on containers; isolation by Docker network disconnect; and clean-up (a
 * normal end, a Ctrl-C, a runner killed outright, leftovers of dead runs).
 */
import assert from "node:assert/strict";
import { memberFaultSuite } from "./member_fault_suite.ts";
import {
  agreedLeader,
  eventually as until,
  read,
  withCluster,
} from "../helpers/member_cluster_helper.ts";
import {
  containerTest,
  eventually,
  harnessLeftovers,
  noContainers,
} from "../helpers/container_helper.ts";
import { ContainerCluster } from "../../lib/cluster/container_cluster.ts";
import { waitConverged } from "../../lib/cluster/converged.ts";
import { docker, PID_LABEL, RUN_LABEL } from "../../lib/cluster/docker.ts";
import { defaultImage } from "../../lib/cluster/image.ts";
import { startRun } from "../helpers/cli_helper.ts";

memberFaultSuite("container", { ignore: noContainers !== undefined });

const CLEAN = new URL("../../clean.ts", import.meta.url).pathname;

containerTest(
  "[container] a 3-member cluster: own network, loopback ports, labels; stop removes all",
  async () => {
    const logDir = await Deno.makeTempDir({ prefix: "drills-test-etcd-" });
    try {
      const c = await ContainerCluster.start({ members: 3, logDir });
      try {
        await c.waitReady(20_000);
        for (const m of c.members) assert.match(m.clientUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
        const d = (await docker()).container.dockerode;
        const mine = await d.listContainers({
          all: true,
          filters: JSON.stringify({ label: [`${RUN_LABEL}=${c.runId}`] }),
        });
        assert.equal(mine.length, 3);
        for (const x of mine) {
          assert.equal(x.Labels[PID_LABEL], String(Deno.pid));
          assert.deepEqual(Object.keys(x.NetworkSettings.Networks), [c.network]);
          assert.ok(
            x.Ports.every((p) => p.IP === undefined || p.IP === "127.0.0.1"),
            "loopback only",
          );
        }
      } finally {
        await c.stop();
      }
      assert.deepEqual(await harnessLeftovers(), []);
      const log = await Deno.readTextFile(`${logDir}/m1.log`);
      assert.match(
        log,
        /serving client traffic|ready to serve client requests/,
        "member logs are kept",
      );
    } finally {
      await Deno.remove(logDir, { recursive: true });
    }
  },
);

containerTest(
  "[container] network disconnect isolates the leader: the others elect a new one; reconnected, all converge",
  async () => {
    await withCluster(3, async (cc) => {
      const c = cc as ContainerCluster;
      const names = c.members.map((m) => m.name);
      const before = await agreedLeader(c, names);
      const rest = names.filter((n) => n !== before);
      await c.disconnect(before);
      const after = await until("a new leader among the others", async () => {
        const l = await agreedLeader(c, rest);
        assert.ok(rest.includes(l));
        return l;
      });
      assert.notEqual(after, before);
      await c.connect(before);
      await waitConverged(c, 15_000);
      await read(c, before, 1000);
    }, "container");
  },
);

containerTest("[container] Ctrl-C mid-run removes every container and the network", async () => {
  const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
  try {
    const child = await startRun(out, ["--cluster", "container"]);
    assert.equal((await harnessLeftovers()).length, 4, "3 members and their network while it runs");
    child.kill("SIGINT");
    assert.equal((await child.status).code, 130);
    assert.deepEqual(await harnessLeftovers(), []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

containerTest(
  "[container] a runner killed outright: its watchdog removes the containers and the network",
  async () => {
    const out = await Deno.makeTempDir({ prefix: "drills-test-out-" });
    try {
      const child = await startRun(out, ["--cluster", "container"]);
      child.kill("SIGKILL");
      await child.status;
      await eventually(
        "no container or network left",
        async () => (await harnessLeftovers()).length === 0,
      );
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
);

containerTest(
  "[container] deno task clean removes what a dead run left, and nothing of a live one",
  async () => {
    const d = (await docker()).container.dockerode;
    // A run whose harness is gone: its pid belonged to a process that has exited.
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    const dead = { [RUN_LABEL]: "test-dead-run", [PID_LABEL]: String(gone.pid) };
    const live = { [RUN_LABEL]: "test-live-run", [PID_LABEL]: String(Deno.pid) };
    const image = await defaultImage();
    const made = [
      await d.createNetwork({ Name: "etcd-drills-test-dead", Labels: dead }),
      await d.createNetwork({ Name: "etcd-drills-test-live", Labels: live }),
    ];
    const container = await d.createContainer({ Image: image, Cmd: ["--version"], Labels: dead });
    try {
      const clean = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", CLEAN],
        stdout: "piped",
      }).output();
      assert.ok(clean.success);
      const said = new TextDecoder().decode(clean.stdout);
      assert.match(said, /network etcd-drills-test-dead/);
      assert.match(said, /container /);
      assert.deepEqual(await harnessLeftovers(), ["network etcd-drills-test-live"]);
    } finally {
      await d.getContainer(container.id).remove({ force: true }).catch(() => {});
      for (const n of made) await n.remove().catch(() => {});
    }
  },
);
