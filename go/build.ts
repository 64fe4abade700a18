/**
 * `deno task go-subjects`: builds the Go subject programs (go/recipes/ as
 * `go`, go/seed/ as `go-seed`, both on the kit in go/src/drills) with
 * Debian's Go 1.19 and etcd 3.4 client sources, offline, in GOPATH mode:
 * `GO111MODULE=off GOPATH=go:.build/gopath:/usr/share/gocode go build`. As root
 * on a machine with apt it installs golang-go and golang-etcd-server-dev
 * when they are missing. Output goes to .build/go/ (not committed).
 */
import { HarnessError } from "../lib/proc/errors.ts";
import { installDebian, which } from "../lib/cluster/etcd_binary.ts";
import { GO_BUILD_DIR, GO_KIT_ROOT, GO_PROGRAMS, GO_SUBJECTS } from "./subjects.ts";

const GOCODE = "/usr/share/gocode";
const CLIENT = `${GOCODE}/src/go.etcd.io/etcd/clientv3/concurrency`;
const PACKAGES = ["golang-go", "golang-etcd-server-dev"];

/** The go command and Debian's etcd client sources, installed when missing and allowed. */
async function toolchain(): Promise<string> {
  let go = await which("go");
  if (!go || !exists(CLIENT)) {
    console.error(`installing ${PACKAGES.join(" ")} with apt-get…`);
    await installDebian(PACKAGES);
    go = await which("go");
  }
  if (!go) {
    throw new HarnessError(
      "go not found: install Debian's golang-go (apt-get install golang-go golang-etcd-server-dev)",
    );
  }
  if (!exists(CLIENT)) {
    throw new HarnessError(
      `etcd's Go client sources are not in ${GOCODE}: apt-get install golang-etcd-server-dev`,
    );
  }
  return go;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Builds every Go subject; returns the paths built. */
export async function buildGoSubjects(): Promise<string[]> {
  const go = await toolchain();
  const root = new URL("../", import.meta.url).pathname;
  await Deno.mkdir(`${root}.build/gopath`, { recursive: true });
  await Deno.mkdir(GO_BUILD_DIR, { recursive: true });
  const built = [];
  for (const name of GO_SUBJECTS) {
    const out = await new Deno.Command(go, {
      args: ["build", "-o", `${GO_BUILD_DIR}${name}`, `./go/${GO_PROGRAMS[name]}`],
      cwd: root,
      env: {
        GO111MODULE: "off",
        GOPATH: `${GO_KIT_ROOT}:${root}.build/gopath:${GOCODE}`,
        GOFLAGS: "",
      },
      stdout: "inherit",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const text = new TextDecoder().decode(out.stderr).trim();
      console.error(text);
      throw new HarnessError(
        `go build ./go/${GO_PROGRAMS[name]} failed with Debian's packages (compiler output above)`,
      );
    }
    built.push(`${GO_BUILD_DIR}${name}`);
  }
  return built;
}

if (import.meta.main) {
  try {
    for (const path of await buildGoSubjects()) console.log(`built ${path}`);
  } catch (e) {
    if (!(e instanceof HarnessError)) throw e;
    console.error(e.message);
    Deno.exit(2);
  }
}
