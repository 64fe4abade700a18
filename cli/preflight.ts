/**
 * What is checked before anything starts: the run directory and report files can be written, the
 * cluster kind's tools are there (etcd, a Docker engine), fixed ports are free.
 */
import { UsageError } from "../lib/proc/errors.ts";
import { findEtcd } from "../lib/cluster/etcd_binary.ts";
import { assertPortFree } from "../lib/net/free_port.ts";
import type { ClusterKind } from "../lib/cluster/create.ts";

/**
 * Proves a run directory can be made below --out before anything starts: in
 * --out itself, or in its nearest existing parent when it does not exist yet
 * (the run makes it); nothing is left behind.
 */
export async function checkOutDir(dir: string): Promise<void> {
  try {
    let at = dir;
    for (;;) {
      try {
        if (!(await Deno.stat(at)).isDirectory) throw new Error(`${at} is not a directory`);
        break;
      } catch (e) {
        const trimmed = at.replace(/\/+$/, "");
        const parent = trimmed.includes("/") ? trimmed.replace(/\/[^/]*$/, "") || "/" : ".";
        if (!(e instanceof Deno.errors.NotFound) || parent === at) throw e;
        at = parent;
      }
    }
    const probe = await Deno.makeTempDir({ dir: at, prefix: ".drills-probe-" });
    await Deno.remove(probe);
  } catch (e) {
    throw new UsageError(
      `--out ${dir}: cannot make the run directory there (${
        firstLine(e)
      }): give a directory you can write`,
    );
  }
}

/** Proves a report file (--junit) can be written, before anything starts; leaves no file behind. */
export async function checkWritableFile(path: string, flag: string): Promise<void> {
  const refuse = (e: unknown) =>
    new UsageError(
      `${flag} ${path}: cannot write it (${firstLine(e)}): give a file path you can write`,
    );
  let existed = true;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new Error("not a regular file");
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw refuse(e);
    existed = false;
  }
  try {
    const f = await Deno.open(path, { write: true, create: true });
    f.close();
    if (!existed) await Deno.remove(path);
  } catch (e) {
    throw refuse(e);
  }
}

/** Fails fast, before anything starts, on what would stop the run: no etcd, no Docker engine, a busy fixed port. */
export async function preflight(
  o: { members: number; portsFrom?: number; cluster?: { kind: ClusterKind } },
): Promise<void> {
  const kind = o.cluster?.kind ?? "process";
  if (kind === "process") await findEtcd();
  if (kind === "container") await (await import("../lib/cluster/docker.ts")).docker();
  if (o.portsFrom === undefined) return;
  for (let p = o.portsFrom; p < o.portsFrom + 2 * o.members; p++) assertPortFree(p);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
