/**
 * Shapes of member partitions as pure functions: member names plus a random
 * source in, the member pairs to cut out. The network layer cuts exactly the
 * pairs listed (both directions) and leaves every other link open.
 */

/** A member pair whose link is cut, both directions. */
export type Pair = [string, string];

/** The shapes a `partition` fault draws from. */
export type ShapeName = "halves" | "ring" | "bridge";

/** A drawn partition: its shape, how members are grouped, and the links it cuts. */
export interface Partition {
  shape: ShapeName;
  /**
   * halves: [majority, minority]; bridge: [side A, [bridge member], side B];
   * ring: [the members in ring order] (each sees only its two neighbours).
   */
  groups: string[][];
  cut: Pair[];
}

/** A copy of `items` in an order drawn from `random` (Fisher–Yates). */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Every pair with one member in `a` and the other in `b`. */
export function between(a: readonly string[], b: readonly string[]): Pair[] {
  return a.flatMap((x) => b.map((y): Pair => [x, y]));
}

/** The pairs that cut `member` off from every other member. */
export function isolate(member: string, members: readonly string[]): Pair[] {
  return between([member], members.filter((m) => m !== member));
}

/**
 * A majority and a minority, cut from each other: the minority is the
 * largest group that still leaves a quorum on the other side (1 of 3, 2 of 5).
 */
export function halves(members: readonly string[], random: () => number): Partition {
  need(members, 2, "halves");
  const order = shuffle(members, random);
  const minority = order.slice(0, Math.floor((members.length - 1) / 2) || 1);
  const majority = order.slice(minority.length);
  return { shape: "halves", groups: [majority, minority], cut: between(majority, minority) };
}

/**
 * The members in a ring, each linked only to its two neighbours. With 5
 * members every member still sees a majority (itself and two neighbours),
 * but no two non-neighbours agree directly. Needs at least 4 members: with 3
 * everyone neighbours everyone and nothing would be cut.
 */
export function ring(members: readonly string[], random: () => number): Partition {
  need(members, 4, "ring");
  const order = shuffle(members, random);
  const n = order.length;
  const cut: Pair[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const neighbours = j - i === 1 || (i === 0 && j === n - 1);
      if (!neighbours) cut.push([order[i], order[j]]);
    }
  }
  return { shape: "ring", groups: [order], cut };
}

/**
 * Two sides cut from each other, and one member, the bridge, linked to both.
 * Neither side holds a quorum alone; only through the bridge can a leader
 * reach a majority.
 */
export function bridge(members: readonly string[], random: () => number): Partition {
  need(members, 3, "bridge");
  const [middle, ...rest] = shuffle(members, random);
  const half = Math.ceil(rest.length / 2);
  const a = rest.slice(0, half);
  const b = rest.slice(half);
  return { shape: "bridge", groups: [a, [middle], b], cut: between(a, b) };
}

/** The shapes that make sense for this many members (a ring only from 5, as a 3-ring cuts nothing). */
export function shapesFor(count: number): ShapeName[] {
  if (count >= 5) return ["halves", "ring", "bridge"];
  if (count >= 3) return ["halves", "bridge"];
  if (count === 2) return ["halves"];
  return [];
}

/** Draws a shape that fits the member count, then the partition of that shape; undefined for 1 member. */
export function drawPartition(
  members: readonly string[],
  random: () => number,
): Partition | undefined {
  const shapes = shapesFor(members.length);
  if (shapes.length === 0) return undefined;
  const shape = shapes[Math.floor(random() * shapes.length)];
  const make = { halves, ring, bridge }[shape];
  return make(members, random);
}

function need(members: readonly string[], min: number, shape: string): void {
  if (members.length < min) {
    throw new RangeError(
      `a ${shape} partition needs at least ${min} members, got ${members.length}`,
    );
  }
}
