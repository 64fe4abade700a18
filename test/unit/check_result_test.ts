import assert from "node:assert/strict";
import { named, overall, runCheckers } from "../../lib/checks/checker.ts";

Deno.test("a check that judged nothing is never valid", () => {
  const r = named("liveness", true, { valid: true, judged: 0, summary: "no wait to judge" });
  assert.equal(r.valid, "unknown");
  assert.match(r.summary, /^judged nothing: /);
  assert.equal(overall([r]), "unknown");
  const judged = named("liveness", true, { valid: true, judged: 3, summary: "3 waits" });
  assert.equal(judged.valid, true);
  assert.equal(judged.judged, 3);
});

Deno.test("a check that does not apply reads n/a and does not decide", () => {
  const na = named("liveness", true, {
    valid: "unknown",
    applies: false,
    judged: 0,
    summary: "does not apply: no fault could disable a holder",
  });
  assert.equal(na.applies, false);
  assert.equal(na.decides, false);
  const ok = named("safety", true, { valid: true, judged: 10, summary: "fine" });
  assert.equal(overall([na, ok]), true);
});

Deno.test("a plugin's check without judged keeps its verdict and records null", () => {
  const [r] = runCheckers([{
    name: "mine",
    description: "",
    check: () => ({ valid: true, summary: "ok" }),
  }], { history: [], final: undefined, ttlMs: 2000, params: {} });
  assert.equal(r.valid, true);
  assert.equal(r.judged, null);
  const [crashed] = runCheckers([{
    name: "boom",
    description: "",
    check: () => {
      throw new Error("x");
    },
  }], { history: [], final: undefined, ttlMs: 2000, params: {} });
  assert.equal(crashed.valid, "unknown");
  assert.equal(overall([r, crashed]), "unknown");
});
