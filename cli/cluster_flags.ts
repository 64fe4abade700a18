/**
 * The cluster a run gets from its flags: the kind, its own settings, and what a kind needs that
 * was not given. Flags of another kind were refused before (cli/args.ts, from cli/flags.ts).
 */
import { UsageError } from "../lib/proc/errors.ts";
import { parseKind } from "../lib/cluster/create.ts";
import type { ClusterSettings } from "../lib/cluster/create.ts";
import { checkConnect, readUser, usesTls } from "../lib/cluster/connect.ts";
import type { ConnectOptions } from "../lib/cluster/connect.ts";
import { parseEndpoints } from "../lib/cluster/external_cluster.ts";
import { NOSPACE_QUOTA_BYTES } from "../chaos/nospace.ts";
import { LAG_SNAPSHOT_COUNT } from "../chaos/lag_until_snapshot.ts";
import { integer, refuseMisplaced } from "./args.ts";
import type { Flags } from "./flags.ts";

/** The --cluster kind and its settings; a flag that does not fit is refused before anything starts. */
export function clusterSettings(flags: Flags, all: boolean): ClusterSettings {
  const kind = parseKind(flags.cluster);
  refuseMisplaced(flags, kind, all);
  if (flags["auth-token-ttl"] !== undefined && !flags.auth) {
    throw new UsageError("--auth-token-ttl goes with --auth");
  }
  if (kind !== "external") {
    return {
      kind,
      image: flags.image,
      tls: flags.tls,
      auth: flags.auth,
      authTokenTtl: integer(flags["auth-token-ttl"], "--auth-token-ttl", 1, 86400),
    };
  }
  if (flags.endpoints === undefined) {
    throw new UsageError("--cluster external needs --endpoints URL,URL (the members' client URLs)");
  }
  if (flags.members !== undefined) {
    throw new UsageError(
      "--members does not apply to --cluster external: its members are --endpoints",
    );
  }
  if (flags["password-file"] !== undefined && flags.user === undefined) {
    throw new UsageError("--password-file goes with --user NAME");
  }
  const connect: ConnectOptions = {
    caFile: flags.cacert,
    certFile: flags.cert,
    keyFile: flags.key,
    ...(flags.user !== undefined ? readUser(flags.user, flags["password-file"]) : {}),
  };
  checkConnect(connect);
  return {
    kind,
    endpoints: parseEndpoints(flags.endpoints, usesTls(connect)),
    connect,
    allowDisruptive: flags["allow-disruptive"],
  };
}

/**
 * The cluster settings with the small backend quota `nospace` needs and the
 * small snapshot count `lag-until-snapshot` needs when the run may draw them
 * (named, or "all"); other runs keep etcd's defaults.
 */
export function withFaultSettings(
  cluster: ClusterSettings = { kind: "process" },
  faults: readonly string[],
): ClusterSettings {
  const may = (f: string) => faults.includes(f) || faults.includes("all");
  if (cluster.kind === "external") return cluster;
  return {
    ...cluster,
    ...(may("nospace") ? { quotaBackendBytes: NOSPACE_QUOTA_BYTES } : {}),
    ...(may("lag-until-snapshot") ? { snapshotCount: LAG_SNAPSHOT_COUNT } : {}),
  };
}
