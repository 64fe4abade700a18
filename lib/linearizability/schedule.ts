/**
 * When simulated clients call and return, for the corpus generators: each
 * client runs one operation at a time, with overlapping intervals across
 * clients. Each operation takes effect at a point inside its interval (its
 * linearization point), so a history built by applying operations to a true
 * object in that order is linearizable by construction.
 */

/** One scheduled operation. */
export interface Slot {
  /** Client index (0-based). */
  client: number;
  /** How many unknown outcomes this client had before: a Jepsen process number is client + incarnation × clients. */
  incarnation: number;
  call: number;
  ret: number;
  /** Where it takes effect, call < lin < ret. */
  lin: number;
  /** Unknown outcome: the history shows no return. */
  info: boolean;
  /** For an unknown outcome: whether it took effect at all. */
  applies: boolean;
}

/** Options of {@link schedule}. */
export interface ScheduleOptions {
  rand: () => number;
  clients: number;
  ops: number;
  /** Share of operations with an unknown outcome (default 0.02). */
  infoRate?: number;
  /** Time the clients start at. */
  from: number;
}

/** Schedules `ops` operations across `clients`; returns them in call order and the time all ended. */
export function schedule(options: ScheduleOptions): { slots: Slot[]; end: number } {
  const { rand, clients, ops, from } = options;
  const infoRate = options.infoRate ?? 0.02;
  const nextAt = Array.from({ length: clients }, () => from + rand() * 3);
  const incarnation = new Array(clients).fill(0);
  const slots: Slot[] = [];
  let end = from;
  for (let k = 0; k < ops; k++) {
    let c = 0;
    for (let i = 1; i < clients; i++) if (nextAt[i] < nextAt[c]) c = i;
    const call = nextAt[c];
    const d = 1 + rand() * 9;
    const ret = call + d;
    const info = rand() < infoRate;
    slots.push({
      client: c,
      incarnation: incarnation[c],
      call,
      ret,
      lin: call + d * (0.05 + 0.9 * rand()),
      info,
      applies: info ? rand() < 0.5 : true,
    });
    if (info) incarnation[c]++;
    nextAt[c] = ret + rand() * 4;
    end = Math.max(end, ret);
  }
  return { slots, end: end + 1 };
}
