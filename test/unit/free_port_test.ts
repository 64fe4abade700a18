import assert from "node:assert/strict";
import { freePort, releasePort, reservePort } from "../../lib/net/free_port.ts";

/** Asks a second Deno process whether it can reserve `port`. */
async function otherProcessReserves(port: number): Promise<boolean> {
  const url = new URL("../../lib/net/free_port.ts", import.meta.url).href;
  const code = `import { reservePort } from "${url}"; console.log(reservePort(${port}));`;
  const out = await new Deno.Command(Deno.execPath(), { args: ["eval", code], stderr: "inherit" })
    .output();
  return new TextDecoder().decode(out.stdout).trim() === "true";
}

Deno.test("free ports: one handed out here is refused to another process until released", async () => {
  const port = freePort();
  try {
    assert.equal(reservePort(port), false, "handed out twice in this process");
    assert.equal(await otherProcessReserves(port), false, "another process got a reserved port");
  } finally {
    releasePort(port);
  }
  assert.equal(await otherProcessReserves(port), true, "a released port stayed reserved");
});
