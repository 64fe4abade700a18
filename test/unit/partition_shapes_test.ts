/** The partition shapes as pure functions: each cuts exactly the links its shape says. */
import assert from "node:assert/strict";
import {
  bridge,
  drawPartition,
  halves,
  isolate,
  type Pair,
  ring,
  shapesFor,
  shuffle,
} from "../../chaos/partition_shapes.ts";
import { mulberry32 } from "../../lib/proc/random.ts";

const THREE = ["m1", "m2", "m3"];
const FIVE = ["m1", "m2", "m3", "m4", "m5"];

/** The set of cut links as "a|b" with a < b, so pairs compare regardless of order. */
function links(pairs: readonly Pair[]): Set<string> {
  return new Set(pairs.map(([a, b]) => (a < b ? `${a}|${b}` : `${b}|${a}`)));
}

/** Who each member still reaches directly once `cut` is applied. */
function reach(members: readonly string[], cut: readonly Pair[]): Map<string, string[]> {
  const cutSet = links(cut);
  return new Map(members.map((m) => [
    m,
    members.filter((o) => o !== m && !cutSet.has(m < o ? `${m}|${o}` : `${o}|${m}`)),
  ]));
}

/** The members of `group` other than `m`, sorted (as {@link reach} lists them). */
function others(m: string, group: readonly string[]): string[] {
  return group.filter((x) => x !== m).sort();
}

function assertWellFormed(members: readonly string[], cut: readonly Pair[]): void {
  for (const [a, b] of cut) {
    assert.notEqual(a, b, "a member is never cut from itself");
    assert.ok(members.includes(a) && members.includes(b), `${a}|${b} names a stranger`);
  }
  assert.equal(links(cut).size, cut.length, "no link is listed twice");
}

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

for (const members of [THREE, FIVE]) {
  const n = members.length;
  Deno.test(`shapes: halves of ${n} leave a quorum on one side only`, () => {
    for (const seed of SEEDS) {
      const p = halves(members, mulberry32(seed));
      const [majority, minority] = p.groups;
      assert.equal(majority.length, Math.floor(n / 2) + 1);
      assert.equal(minority.length, n - majority.length);
      assert.deepEqual([...majority, ...minority].sort(), [...members]);
      assertWellFormed(members, p.cut);
      assert.equal(p.cut.length, majority.length * minority.length);
      const r = reach(members, p.cut);
      for (const m of majority) assert.deepEqual(r.get(m), others(m, majority));
      for (const m of minority) assert.deepEqual(r.get(m), others(m, minority));
    }
  });

  Deno.test(`shapes: a bridge of ${n} cuts the sides from each other and spares the bridge`, () => {
    for (const seed of SEEDS) {
      const p = bridge(members, mulberry32(seed));
      const [a, [middle], b] = p.groups;
      assert.deepEqual([...a, middle, ...b].sort(), [...members]);
      assert.ok(Math.abs(a.length - b.length) <= 1 && a.length > 0 && b.length > 0);
      assertWellFormed(members, p.cut);
      const r = reach(members, p.cut);
      assert.equal(r.get(middle)!.length, n - 1, "the bridge reaches everyone");
      for (const m of a) assert.deepEqual(r.get(m), others(m, [...a, middle]));
      for (const m of b) assert.deepEqual(r.get(m), others(m, [...b, middle]));
      // Neither side holds a quorum without the bridge.
      assert.ok(a.length <= n / 2 && b.length <= n / 2);
    }
  });
}

Deno.test("shapes: a ring of 5 lets each member see only its two neighbours", () => {
  for (const seed of SEEDS) {
    const p = ring(FIVE, mulberry32(seed));
    const [order] = p.groups;
    assert.deepEqual([...order].sort(), FIVE);
    assertWellFormed(FIVE, p.cut);
    assert.equal(p.cut.length, 5, "a 5-ring cuts the 5 chords of the pentagon");
    const r = reach(FIVE, p.cut);
    order.forEach((m, i) => {
      const neighbours = [order[(i + 4) % 5], order[(i + 1) % 5]].sort();
      assert.deepEqual(r.get(m), neighbours);
    });
  }
});

Deno.test("shapes: a ring refuses 3 members (it would cut nothing)", () => {
  assert.throws(() => ring(THREE, mulberry32(1)), /at least 4 members/);
});

Deno.test("shapes: the draw uses a ring only with 5 members, and every shape there", () => {
  assert.deepEqual(shapesFor(1), []);
  assert.deepEqual(shapesFor(3), ["halves", "bridge"]);
  assert.deepEqual(shapesFor(5), ["halves", "ring", "bridge"]);
  const seen3 = new Set<string>();
  const seen5 = new Set<string>();
  for (let seed = 1; seed <= 200; seed++) {
    seen3.add(drawPartition(THREE, mulberry32(seed))!.shape);
    seen5.add(drawPartition(FIVE, mulberry32(seed))!.shape);
  }
  assert.deepEqual([...seen3].sort(), ["bridge", "halves"]);
  assert.deepEqual([...seen5].sort(), ["bridge", "halves", "ring"]);
  assert.equal(drawPartition(["m1"], mulberry32(1)), undefined);
});

Deno.test("shapes: the same seed draws the same partition", () => {
  for (const seed of SEEDS) {
    assert.deepEqual(drawPartition(FIVE, mulberry32(seed)), drawPartition(FIVE, mulberry32(seed)));
  }
});

Deno.test("shapes: isolate cuts one member from every other, and nothing else", () => {
  const cut = isolate("m2", FIVE);
  assertWellFormed(FIVE, cut);
  const r = reach(FIVE, cut);
  assert.deepEqual(r.get("m2"), []);
  for (const m of FIVE.filter((x) => x !== "m2")) {
    assert.deepEqual(r.get(m), FIVE.filter((x) => x !== m && x !== "m2"));
  }
});

Deno.test("shapes: shuffle keeps every item and does not touch its input", () => {
  const input = [...FIVE];
  const out = shuffle(input, mulberry32(7));
  assert.deepEqual(input, FIVE);
  assert.deepEqual([...out].sort(), FIVE);
});
