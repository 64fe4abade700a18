/**
 * The etcd image of container clusters. `deno task image` builds a local one
 * from the installed etcd binary (no registry needed): etcd, etcdctl and the
 * libraries `ldd` lists, imported with `docker import` under
 * {@link LOCAL_IMAGE_REPO}. Binaries sit at /usr/local/bin as in the
 * official images, so one entrypoint serves both.
 */
import { findEtcd } from "./etcd_binary.ts";
import { docker } from "./docker.ts";
import { HarnessError } from "../proc/errors.ts";

/** Repository of locally built images; the tag is the etcd version. */
export const LOCAL_IMAGE_REPO = "etcd-drills/etcd";
/** Where etcd lives inside the image (as in the official images). */
export const ETCD_IN_IMAGE = "/usr/local/bin/etcd";
/** The official image used when no local one was built (needs a reachable registry). */
export const OFFICIAL_IMAGE = "gcr.io/etcd-development/etcd:v3.4.23";

async function output(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new HarnessError(`${cmd} ${args.join(" ")} failed: ${text.trim()}`);
  return text;
}

/** The version an etcd binary reports, e.g. "3.4.23". */
export async function etcdVersion(etcd: string): Promise<string> {
  const m = (await output(etcd, ["--version"])).match(/etcd Version: (\S+)/);
  if (!m) throw new HarnessError(`${etcd} --version printed no version`);
  return m[1];
}

/** Whether the engine has an image by this reference. */
export async function imageExists(ref: string): Promise<boolean> {
  try {
    await (await docker()).container.dockerode.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * The default --image: the newest local image built by `deno task image`
 * (preferring the installed etcd's version), else the official image.
 */
export async function defaultImage(): Promise<string> {
  const d = (await docker()).container.dockerode;
  const images = await d.listImages({ filters: JSON.stringify({ reference: [LOCAL_IMAGE_REPO] }) });
  const tags = images.sort((a, b) => b.Created - a.Created).flatMap((i) => i.RepoTags ?? [])
    .filter((t) => t.startsWith(`${LOCAL_IMAGE_REPO}:`));
  if (tags.length === 0) return OFFICIAL_IMAGE;
  try {
    const installed = `${LOCAL_IMAGE_REPO}:${await etcdVersion(await findEtcd())}`;
    if (tags.includes(installed)) return installed;
  } catch { /* no local etcd: any local image will do */ }
  return tags[0];
}

/** The shared libraries (and loader) `ldd` lists for a binary, as absolute paths. */
async function libraries(binary: string): Promise<string[]> {
  const text = await output("ldd", [binary]);
  const paths = new Set<string>();
  for (const line of text.split("\n")) {
    const m = line.match(/=>\s*(\/\S+)/) ?? line.match(/^\s*(\/\S+)\s+\(/);
    if (m) paths.add(m[1]);
  }
  return [...paths];
}

/** Builds {@link LOCAL_IMAGE_REPO}:<version> from the installed etcd; returns its tag. */
export async function buildLocalImage(): Promise<string> {
  const etcd = await findEtcd();
  const etcdctl = etcd.replace(/etcd$/, "etcdctl");
  const version = await etcdVersion(etcd);
  const tag = `${LOCAL_IMAGE_REPO}:${version}`;
  const root = await Deno.makeTempDir({ prefix: "drills-image-" });
  try {
    const files: [string, string][] = [[etcd, ETCD_IN_IMAGE]];
    try {
      await Deno.stat(etcdctl);
      files.push([etcdctl, `${ETCD_IN_IMAGE}ctl`]);
    } catch { /* etcdctl is a convenience only */ }
    for (const [bin] of [...files]) {
      for (const lib of await libraries(bin)) files.push([lib, lib]);
    }
    for (const [from, to] of files) {
      await Deno.mkdir(`${root}${to.replace(/\/[^/]+$/, "")}`, { recursive: true });
      await Deno.copyFile(await Deno.realPath(from), `${root}${to}`); // follow symlinks
      await Deno.chmod(`${root}${to}`, 0o755);
    }
    for (const dir of ["tmp", "var/lib/etcd"]) {
      await Deno.mkdir(`${root}/${dir}`, { recursive: true });
    }
    await Deno.chmod(`${root}/tmp`, 0o1777);
    await docker(); // a clear error when no engine answers
    const tar = new Deno.Command("tar", { args: ["-C", root, "-c", "."], stdout: "piped" }).spawn();
    const imp = new Deno.Command("docker", {
      args: ["import", "--change", `ENTRYPOINT ["${ETCD_IN_IMAGE}"]`, "-", tag],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await tar.stdout.pipeTo(imp.stdin);
    const [t, i] = await Promise.all([tar.status, imp.output()]);
    if (!t.success || !i.success) {
      throw new HarnessError(
        `docker import of ${tag} failed: ${new TextDecoder().decode(i.stderr).trim()}`,
      );
    }
    return tag;
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) {
  try {
    const tag = await buildLocalImage();
    console.log(`built ${tag}: the default --image of --cluster container`);
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : e}`);
    Deno.exit(2);
  }
}
