import assert from "node:assert/strict";
import { benchSettings } from "../../bench/settings.ts";
import { chooseRows } from "../../bench/power.ts";
import { UsageError } from "../../lib/proc/errors.ts";

Deno.test("bench settings: the defaults, and what each variable sets", () => {
  const d = benchSettings({});
  assert.equal(d.repeats, 5);
  assert.deepEqual([...d.skip], []);
  assert.equal(d.runallJobs, undefined);
  assert.deepEqual(d.power, {
    seeds: 1,
    jobs: 4,
    kinds: ["caught", "pinned", "valid"],
    scenarios: undefined,
    durationMs: undefined,
  });
  const s = benchSettings({
    BENCH_REPEATS: "3",
    BENCH_SKIP: "scale,runall",
    BENCH_RUNALL_JOBS: "3",
    BENCH_POWER_SEEDS: "20",
    BENCH_POWER_JOBS: "2",
    BENCH_POWER_ROWS: "pinned",
    BENCH_POWER_SCENARIOS: "lock,election/etcd3",
    BENCH_POWER_SECONDS: "20",
  });
  assert.equal(s.repeats, 3);
  assert.deepEqual([...s.skip], ["scale", "runall"]);
  assert.equal(s.runallJobs, 3);
  assert.deepEqual(s.power, {
    seeds: 20,
    jobs: 2,
    kinds: ["pinned"],
    scenarios: ["lock", "election/etcd3"],
    durationMs: 20_000,
  });
});

Deno.test("bench settings: a bad value is one line naming the variable and what it takes", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ BENCH_POWER_SEEDS: "abc" }, /^BENCH_POWER_SEEDS=abc: give a whole number from 1 to 1000$/],
    [{ BENCH_POWER_SEEDS: "0" }, /^BENCH_POWER_SEEDS=0: give a whole number/],
    [{ BENCH_RUNALL_JOBS: "many" }, /^BENCH_RUNALL_JOBS=many: give a whole number from 1 to 32$/],
    [{ BENCH_POWER_JOBS: "-2" }, /^BENCH_POWER_JOBS=-2: give a whole number from 1 to 32$/],
    [{ BENCH_REPEATS: "2.5" }, /^BENCH_REPEATS=2.5: give a whole number/],
    [
      { BENCH_POWER_SECONDS: "1e9" },
      /^BENCH_POWER_SECONDS=1e9: give a whole number from 1 to 3600$/,
    ],
    [{ BENCH_SKIP: "scale,nope" }, /^BENCH_SKIP=scale,nope: nope is no section; there are ready, /],
    [
      { BENCH_POWER_ROWS: "caught,all" },
      /^BENCH_POWER_ROWS=caught,all: all is no kind of row; there are caught, pinned, valid$/,
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => benchSettings(env),
      (e) => e instanceof UsageError && message.test(e.message),
    );
  }
});

Deno.test("bench power: a scenario or pair that gives no row of the kinds asked for is refused", async () => {
  const rows = await chooseRows({ kinds: ["pinned"], scenarios: ["election/etcd3", "queue"] });
  assert.deepEqual(rows.map((r) => `${r.name}/${r.e.subject} ${r.kind}`), [
    "election/etcd3 pinned",
    "queue/naive pinned",
    "queue/go-seed pinned",
  ]);
  await assert.rejects(
    chooseRows({ scenarios: ["lock/nobody"] }),
    (e) =>
      e instanceof UsageError && /^BENCH_POWER_SCENARIOS: lock\/nobody gives no /.test(e.message),
  );
  await assert.rejects(
    chooseRows({ kinds: ["valid"], scenarios: ["lock/naive"] }),
    /lock\/naive gives no valid row/,
  );
});
