/**
 * A run's own certificate authority for `--tls`: Debian's openssl makes a CA
 * and one member certificate (for 127.0.0.1 and localhost, server and client
 * use: members present it to clients and to each other). Files live in the
 * cluster's temp dir and go with it; no private key is written anywhere else.
 */
import { HarnessError } from "../proc/errors.ts";

/** Where the run's PEM files are. */
export interface RunCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * Makes the CA and the member certificate in `dir` (it must exist), valid for
 * 127.0.0.1, localhost and `hostNames` (members' names on a container network).
 */
export async function makeCertificates(
  dir: string,
  hostNames: readonly string[] = [],
): Promise<RunCertificates> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=etcd-drills run CA",
  ]); // deno-fmt-ignore
  await openssl(dir, [
    "req", ...ec, "-keyout", "member.key", "-out", "member.csr", "-subj", "/CN=etcd-drills member",
  ]); // deno-fmt-ignore
  await Deno.writeTextFile(
    `${dir}/member.ext`,
    [
      `subjectAltName=${["IP:127.0.0.1", "DNS:localhost", ...hostNames.map((h) => `DNS:${h}`)]
        .join(",")}`,
      "extendedKeyUsage=serverAuth,clientAuth",
      "keyUsage=digitalSignature,keyEncipherment",
      "",
    ].join("\n"),
  );
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "member.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "member.pem",
    "-days",
    "2",
    "-extfile",
    "member.ext",
  ]); // deno-fmt-ignore
  await Deno.remove(`${dir}/ca.key`); // nothing signs after this
  // Readable by a container's etcd whatever user it runs as; the dir is the run's own.
  await Deno.chmod(`${dir}/member.key`, 0o644);
  return { caFile: `${dir}/ca.pem`, certFile: `${dir}/member.pem`, keyFile: `${dir}/member.key` };
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
      .output();
  } catch {
    throw new HarnessError(
      "openssl not found: --tls makes its certificates with it (Debian: apt-get install openssl)",
    );
  }
  if (!out.success) {
    throw new HarnessError(
      `openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr).split("\n")[0]}`,
    );
  }
}
