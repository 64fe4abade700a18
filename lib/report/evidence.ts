import type { NamedResult } from "../checks/checker.ts";
import type { Operation } from "../history/event.ts";

/** The key of one operation: node, incarnation and operation id. */
export function opKey(node: string, incarnation: number, op: number): string {
  return `${node}#${incarnation}#${op}`;
}

/** The key of an operation as {@link operations} pairs it. */
export function operationKey(o: Operation): string {
  return opKey(o.node, o.incarnation, o.invoke.op);
}

/** A stretch of one node's lane that a violation points at (e.g. a lock hold). */
export interface EvidenceSpan {
  node: string;
  incarnation?: number;
  start: number;
  end: number;
}

/** An instant on one node's lane that a violation points at (e.g. the next grant). */
export interface EvidencePoint {
  node: string;
  time: number;
}

/** What one violation points at on the timeline. */
export interface EvidenceMarks {
  /** Operation keys ({@link opKey}). */
  ops: string[];
  spans: EvidenceSpan[];
  points: EvidencePoint[];
  /** Fault ids (fault windows named in the evidence). */
  faults: number[];
}

/** One evidence entry of a failed check, with what it points at. */
export interface Violation {
  /** Anchor id, unique in the report: `v1`, `v2`, … */
  id: string;
  check: string;
  /** False for a check that reports but does not decide the verdict. */
  decides: boolean;
  /** Index of the entry in the check's evidence. */
  index: number;
  /** The entry's `violation` field, or the check's name. */
  label: string;
  entry: unknown;
  marks: EvidenceMarks;
}

/** Violations of a run, and how many evidence entries were left out per check. */
export interface ViolationList {
  violations: Violation[];
  omitted: { check: string; count: number }[];
}

const TOLERANCE_MS = 0.051; // checkers round times to 0.1 ms

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Finds the operations (and holds, instants, fault windows) each violation's
 * evidence names, wherever inside the entry they sit: history op events
 * (`{kind:"op", node, incarnation, op, time}`), operation summaries
 * (`{node, incarnation?, invoked, completed?}`), intervals
 * (`{node, start, end}`), instants (`{node, time}`) and fault windows
 * (`{id, fault, start, stop}`). Only checks that came out invalid have
 * violations; at most `maxPerCheck` entries each.
 */
export function findViolations(
  checks: readonly NamedResult[],
  ops: readonly Operation[],
  maxPerCheck = 200,
): ViolationList {
  const byNode = new Map<string, Operation[]>();
  for (const o of ops) {
    const list = byNode.get(o.node) ?? [];
    list.push(o);
    byNode.set(o.node, list);
  }
  for (const list of byNode.values()) list.sort((a, b) => a.invoke.time - b.invoke.time);
  const known = new Set(ops.map(operationKey));
  const violations: Violation[] = [];
  const omitted: { check: string; count: number }[] = [];
  for (const c of checks) {
    if (c.valid !== false) continue;
    const evidence = c.evidence ?? [];
    const shown = evidence.slice(0, maxPerCheck);
    if (evidence.length > shown.length) {
      omitted.push({ check: c.name, count: evidence.length - shown.length });
    }
    if (shown.length === 0) {
      // A failed check without evidence still deserves a line in the list.
      violations.push({
        id: `v${violations.length + 1}`,
        check: c.name,
        decides: c.decides,
        index: -1,
        label: c.summary,
        entry: undefined,
        marks: { ops: [], spans: [], points: [], faults: [] },
      });
      continue;
    }
    shown.forEach((entry, index) => {
      const label = isObj(entry) && typeof entry.violation === "string" ? entry.violation : c.name;
      violations.push({
        id: `v${violations.length + 1}`,
        check: c.name,
        decides: c.decides,
        index,
        label,
        entry,
        marks: marksOf(entry, byNode, known),
      });
    });
  }
  return { violations, omitted };
}

function marksOf(
  entry: unknown,
  byNode: Map<string, Operation[]>,
  known: Set<string>,
): EvidenceMarks {
  const ops = new Set<string>();
  const spans: EvidenceSpan[] = [];
  const points: EvidencePoint[] = [];
  const faults = new Set<number>();
  let budget = 10_000;
  const visit = (v: unknown, depth: number) => {
    if (budget-- <= 0 || depth > 8) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (!isObj(v)) return;
    const node = typeof v.node === "string" ? v.node : undefined;
    const incarnation = num(v.incarnation) ? v.incarnation : undefined;
    if (v.kind === "fault" && num(v.id)) faults.add(v.id);
    else if (typeof v.fault === "string" && num(v.id) && num(v.start)) faults.add(v.id);
    if (node !== undefined) {
      if (num(v.op) && incarnation !== undefined) {
        const key = opKey(node, incarnation, v.op);
        if (known.has(key)) ops.add(key);
      } else if (num(v.invoked)) {
        const o = findByInvoke(byNode.get(node) ?? [], v.invoked, incarnation, v.f);
        if (o) ops.add(operationKey(o));
      } else if (num(v.start) && num(v.end)) {
        spans.push({ node, incarnation, start: v.start, end: v.end });
      } else if (num(v.time)) {
        points.push({ node, time: v.time });
      }
    }
    for (const x of Object.values(v)) {
      if (typeof x === "object" && x !== null) visit(x, depth + 1);
    }
  };
  visit(entry, 0);
  return { ops: [...ops], spans, points, faults: [...faults] };
}

/** The operation of a node invoked at `time` (within rounding), by binary search. */
function findByInvoke(
  list: readonly Operation[],
  time: number,
  incarnation: number | undefined,
  f: unknown,
): Operation | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].invoke.time < time - TOLERANCE_MS) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && list[i].invoke.time <= time + TOLERANCE_MS; i++) {
    const o = list[i];
    if (incarnation !== undefined && o.incarnation !== incarnation) continue;
    if (typeof f === "string" && o.f !== f) continue;
    return o;
  }
  return undefined;
}
