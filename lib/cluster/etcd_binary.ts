import { HarnessError } from "../errors.ts";

/**
 * Finds the etcd binary: `ETCD_BIN`, then PATH; when neither has one and we
 * run as root on a machine with apt, installs Debian's `etcd-server`.
 */
export async function findEtcd(): Promise<string> {
  const fromEnv = Deno.env.get("ETCD_BIN");
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new HarnessError(
      `ETCD_BIN=${fromEnv} is not an executable file: point it at an etcd binary`,
    );
  }
  const onPath = await which("etcd");
  if (onPath) return onPath;
  if (Deno.uid() === 0 && await which("apt-get")) {
    console.error("etcd not found: installing Debian's etcd-server with apt-get…");
    await aptInstall(["etcd-server"]);
    const installed = await which("etcd");
    if (installed) return installed;
  }
  throw new HarnessError(
    "etcd not found: install it (Debian/Ubuntu: apt-get install etcd-server) or set ETCD_BIN to its path",
  );
}

async function aptInstall(packages: string[]): Promise<void> {
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  let out = await new Deno.Command("apt-get", { args: ["install", "-y", "-q", ...packages], env })
    .output();
  if (!out.success) {
    await new Deno.Command("apt-get", { args: ["update", "-q"], env }).output();
    out = await new Deno.Command("apt-get", { args: ["install", "-y", "-q", ...packages], env })
      .output();
  }
  if (!out.success) {
    throw new HarnessError(
      `apt-get install ${packages.join(" ")} failed: install etcd by hand or set ETCD_BIN`,
    );
  }
}

async function which(name: string): Promise<string | undefined> {
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
