import { HarnessError } from "../proc/errors.ts";

/** A program the harness needs, where to look for it and the Debian package that ships it. */
interface Wanted {
  /** Executable name on PATH. */
  name: string;
  /** Environment variable that overrides the search. */
  env: string;
  /** Debian package installed (as root, with apt) when it is nowhere. */
  debian: string;
}

const ETCD: Wanted = { name: "etcd", env: "ETCD_BIN", debian: "etcd-server" };
const ETCDCTL: Wanted = { name: "etcdctl", env: "ETCDCTL_BIN", debian: "etcd-client" };

/**
 * Finds the etcd binary: `ETCD_BIN`, then PATH; when neither has one and we
 * run as root on a machine with apt, installs Debian's `etcd-server`.
 */
export function findEtcd(): Promise<string> {
  return findProgram(ETCD);
}

/**
 * Finds etcdctl (etcd's own Go client, `etcdctl lock` / `etcdctl elect`):
 * `ETCDCTL_BIN`, then PATH; when neither has one and we run as root on a
 * machine with apt, installs Debian's `etcd-client`. Throws
 * {@link HarnessError} with one line saying what to do.
 */
export function findEtcdctl(): Promise<string> {
  return findProgram(ETCDCTL);
}

async function findProgram(w: Wanted): Promise<string> {
  const fromEnv = Deno.env.get(w.env);
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new HarnessError(
      `${w.env}=${fromEnv} is not an executable file: point it at an ${w.name} binary`,
    );
  }
  const onPath = await which(w.name);
  if (onPath) return onPath;
  if (Deno.uid() === 0 && await which("apt-get")) {
    console.error(`${w.name} not found: installing Debian's ${w.debian} with apt-get…`);
    await aptInstall(w);
    const installed = await which(w.name);
    if (installed) return installed;
  }
  throw new HarnessError(
    `${w.name} not found: install it (Debian/Ubuntu: apt-get install ${w.debian}) or set ${w.env} to its path`,
  );
}

async function aptInstall(w: Wanted): Promise<void> {
  if (!await installDebian([w.debian])) {
    throw new HarnessError(
      `apt-get install ${w.debian} failed: install ${w.name} by hand or set ${w.env}`,
    );
  }
}

/**
 * Installs Debian packages with apt-get (as root), running `apt-get update`
 * once if the first try fails; false when it still fails. Nodes may look for
 * a program at the same moment, so apt-get waits for dpkg's lock instead of
 * failing on it.
 */
export async function installDebian(packages: string[]): Promise<boolean> {
  if (Deno.uid() !== 0 || !await which("apt-get")) return false;
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const args = ["install", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", ...packages];
  let out = await new Deno.Command("apt-get", { args, env, stdout: "null" }).output();
  if (!out.success) {
    await new Deno.Command("apt-get", { args: ["update", "-q"], env, stdout: "null" }).output();
    out = await new Deno.Command("apt-get", { args, env, stdout: "null" }).output();
  }
  return out.success;
}

/** The first executable called `name` on PATH. */
export async function which(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    const path = `${dir}/${name}`;
    if (await isExecutable(path)) return path;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0) & 0o111) !== 0;
  } catch {
    return false;
  }
}
