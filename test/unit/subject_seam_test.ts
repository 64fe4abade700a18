import assert from "node:assert/strict";
import { checkedSubject, shapeProblem, SubjectShapeError } from "../../lib/node/subject_shape.ts";
import type { SubjectShape } from "../../lib/node/subject_shape.ts";
import { parseSubjectRef, splitCommand } from "../../lib/node/subject_ref.ts";
import { subjectSlug } from "../../lib/runner/run_dir.ts";

const lockShape: SubjectShape = { factory: ["acquire", "write", "release", "lease"] };
const partsShape: SubjectShape = {
  parts: { service: { factory: ["register"] }, serve: { fn: "(ctx) => Promise<void>" } },
};
const method = () => Promise.resolve();

Deno.test("subject ref: built-in names, module paths and URLs, exec: commands", () => {
  assert.deepEqual(parseSubjectRef("reference"), { kind: "builtin", name: "reference" });
  assert.equal(parseSubjectRef("./my_lock.ts").kind, "module");
  assert.equal(parseSubjectRef("my_lock.ts").kind, "module");
  assert.match(
    (parseSubjectRef("my_lock.ts") as { url: string }).url,
    /^file:\/\/\/.*my_lock\.ts$/,
  );
  assert.equal(
    (parseSubjectRef("https://example.test/l.ts") as { url: string }).url,
    "https://example.test/l.ts",
  );
  assert.deepEqual(parseSubjectRef("exec:python3 lock.py --fenced"), {
    kind: "exec",
    spec: "exec:python3 lock.py --fenced",
    command: ["python3", "lock.py", "--fenced"],
  });
});

Deno.test("splitCommand: quotes and escapes as a shell splits words, unclosed quote refused", () => {
  assert.deepEqual(splitCommand(` a  "b c" 'd "e"' f\\ g "" `), ["a", "b c", 'd "e"', "f g", ""]);
  assert.deepEqual(splitCommand(""), []);
  assert.throws(() => splitCommand(`python3 "x.py`), /unclosed/);
});

Deno.test("shapeProblem: names the wrong type or the missing part, passes a fitting export", () => {
  assert.match(
    shapeProblem(undefined, lockShape, "m")!,
    /must be a function.*undefined \(is it exported\?\)/,
  );
  assert.match(shapeProblem({}, lockShape, "m")!, /must be a function.*not an object/);
  assert.equal(shapeProblem(() => ({}), lockShape, "m"), undefined);
  assert.match(
    shapeProblem({ service: () => ({}) }, partsShape, "m")!,
    /m\.serve must be a function/,
  );
  assert.match(shapeProblem("x", partsShape, "m")!, /must be an object with service, serve/);
  assert.equal(shapeProblem({ service: () => ({}), serve: method }, partsShape, "m"), undefined);
});

Deno.test("checkedSubject: a factory's result is checked for every method when it is made", () => {
  const good = checkedSubject<(...a: unknown[]) => unknown>(
    () => ({ acquire: method, write: method, release: method, lease: () => undefined }),
    lockShape,
    "m",
  );
  assert.equal(typeof (good() as { acquire: unknown }).acquire, "function");
  const missing = checkedSubject<(...a: unknown[]) => unknown>(
    () => ({ acquire: method, write: method }),
    lockShape,
    "m",
  );
  assert.throws(() => missing(), (e) => {
    assert.ok(e instanceof SubjectShapeError);
    assert.match(e.message, /without release, lease/);
    return true;
  });
  const notObject = checkedSubject<(...a: unknown[]) => unknown>(() => 5, lockShape, "m");
  assert.throws(() => notObject(), /must return an object/);
  assert.throws(() => checkedSubject(42, lockShape, "m"), SubjectShapeError);
});

Deno.test("run directories name the subject plainly, wherever it comes from", () => {
  assert.equal(subjectSlug("reference"), "reference");
  assert.equal(subjectSlug("./examples/fenced_lock.ts"), "fenced_lock");
  assert.equal(subjectSlug("exec:python3 test/fixtures/exec/lock.py --unfenced"), "exec-lock");
  assert.equal(subjectSlug("exec:/opt/bin/my-lock"), "exec-my-lock");
  assert.equal(subjectSlug(`exec:python3 "x`), "exec_python3_x");
});
