/** The flags are declared once: the help lists each, and the refusals come from the declarations. */
import assert from "node:assert/strict";
import { FLAGS } from "../../cli/flags.ts";
import { helpText } from "../../cli/help.ts";
import { parse, refuseMisplaced } from "../../cli/args.ts";

Deno.test("flags: the help lists every declared flag, no line wider than 100 columns", () => {
  const help = helpText(["lock"]);
  for (const f of FLAGS) assert.match(help, new RegExp(`--${f.name}\\b`), f.name);
  assert.deepEqual(help.split("\n").filter((l) => l.length > 100), []);
});

Deno.test("flags: a flag of another cluster kind or of run all is refused from its declaration", () => {
  const { flags } = parse(["lock", "--image", "etcd:x", "--jobs", "2"]);
  assert.throws(
    () => refuseMisplaced(flags, "process", false),
    /--image is for --cluster container, not process/,
  );
  assert.throws(() => refuseMisplaced(flags, "container", false), /--jobs is for run all/);
  refuseMisplaced(flags, "container", true);
  const tls = parse(["lock", "--tls"]).flags;
  assert.throws(
    () => refuseMisplaced(tls, "external", false),
    /--tls sets up clusters the harness runs/,
  );
  assert.equal(parse(["lock", "--expect", "valid"]).flags.expectVerdict, "valid");
});
