/**
 * The Go kit (go/src/drills, package drills) from a user's point of view: a
 * Go program in a temp dir outside this repository (examples/go_watcher,
 * copied there), built in GOPATH mode with the repository's go/ dir on the
 * GOPATH for the kit and Debian's clientv3 sources, drilled as
 * `--subject 'exec:…'` in notification: every watcher saw its jobs done,
 * with the states it reported as observe operations.
 */
import assert from "node:assert/strict";
import { processesMentioning, runAndRead, runPrefix } from "../helpers/subject_processes.ts";

const KIT_ROOT = new URL("../../go/", import.meta.url).pathname;
const EXAMPLE = new URL("../../examples/go_watcher/main.go", import.meta.url).pathname;

Deno.test("a user's Go program on the kit, built outside the repository, drilled in notification", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drills-go-user-" });
  try {
    await Deno.copyFile(EXAMPLE, `${dir}/main.go`);
    const built = await new Deno.Command("go", {
      args: ["build", "-o", "my-watcher", "."],
      cwd: dir,
      env: { GO111MODULE: "off", GOPATH: `${KIT_ROOT}:/usr/share/gocode`, GOFLAGS: "" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(built.success, new TextDecoder().decode(built.stderr));
    const r = await runAndRead([
      ...["notification", "--subject", `exec:${dir}/my-watcher`],
      ...["--duration", "8s", "--faults", "none", "--seed", "1"],
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.result?.valid, true, JSON.stringify(r.result?.checks.map((c) => c.summary)));
    const observed = r.events.filter((e) => e.f === "observe" && e.type === "ok");
    assert.ok(observed.length > 0, "the program's observe events reached the history");
    const waits = r.events.filter((e) => e.f === "wait" && e.type === "ok");
    assert.ok(waits.length > 0, "the program answered wait once a job was done");
    assert.deepEqual(processesMentioning(`${dir}/my-watcher`), []);
    const prefix = runPrefix(r.events);
    if (prefix) assert.deepEqual(processesMentioning(prefix), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
