/**
 * The leader elections etcd members logged, read from a run directory's
 * `etcd/<member>.log` files (etcd 3.4 with `--logger zap`: one JSON object a
 * line, `ts` in ISO time). Every member logs, for each term it learns a
 * leader in, `raft.node: <own id> elected leader <leader id> at term <N>`;
 * the earliest such line of any member dates the election.
 */

/** One leader election as the members logged it. */
export interface Election {
  /** The raft term the leader was elected in. */
  term: number;
  /** The leader's member name where its raft id is known, else its raft id. */
  leader: string;
  /** Run time (ms since the run started) of the earliest member line naming it. */
  at: number;
}

/** Options of {@link parseElections}. */
export interface ParseElectionsOptions {
  /** Each member's log text, by member name. */
  logs: Record<string, string>;
  /** The run's zero on the wall clock, ms (results.json `startedAt`, or the runner's origin). */
  originMs: number;
}

const ELECTED = /elected leader ([0-9a-f]+) at term (\d+)/;
/** A raft line names its own member first: "<id> became follower …", "raft.node: <id> elected …". */
const OWN_ID = /^(?:raft\.node: )?([0-9a-f]{8,}) (?:became|elected|lost|is starting|\[term)/;

/** The elections in the members' logs, one per term, in term order. Pure. */
export function parseElections(o: ParseElectionsOptions): Election[] {
  const names = new Map<string, string>();
  const seen: { term: number; leaderId: string; wall: number }[] = [];
  for (const [member, text] of Object.entries(o.logs)) {
    for (const line of text.split("\n")) {
      const entry = logLine(line);
      if (!entry) continue;
      const own = OWN_ID.exec(entry.msg);
      if (own && !names.has(own[1])) names.set(own[1], member);
      const m = ELECTED.exec(entry.msg);
      if (m) seen.push({ term: Number(m[2]), leaderId: m[1], wall: entry.wall });
    }
  }
  const byTerm = new Map<number, { leaderId: string; wall: number }>();
  for (const s of seen) {
    const known = byTerm.get(s.term);
    if (!known || s.wall < known.wall) byTerm.set(s.term, s);
  }
  return [...byTerm.entries()].sort((a, b) => a[0] - b[0]).map(([term, s]) => ({
    term,
    leader: names.get(s.leaderId) ?? s.leaderId,
    at: s.wall - o.originMs,
  }));
}

/** A zap JSON line's message and wall time; undefined for anything else. */
function logLine(line: string): { msg: string; wall: number } | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const e = JSON.parse(line);
    const wall = Date.parse(e.ts);
    if (typeof e.msg !== "string" || Number.isNaN(wall)) return undefined;
    return { msg: e.msg, wall };
  } catch {
    return undefined;
  }
}

/**
 * Reads every `*.log` under `<runDir>/etcd` (a replaced member's
 * `m2.removed-3.log` counts for m2) and parses its elections; undefined when
 * the run has no member logs (an external cluster), so leader changes are
 * not measured rather than zero.
 */
export async function readElections(runDir: string, originMs: number): Promise<
  Election[] | undefined
> {
  const logs: Record<string, string> = {};
  try {
    for await (const f of Deno.readDir(`${runDir}/etcd`)) {
      if (!f.isFile || !f.name.endsWith(".log")) continue;
      const member = f.name.split(".")[0];
      logs[member] = (logs[member] ?? "") + "\n" +
        await Deno.readTextFile(`${runDir}/etcd/${f.name}`);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  if (Object.keys(logs).length === 0) return undefined;
  return parseElections({ logs, originMs });
}
